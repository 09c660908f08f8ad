using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace FoolingCluster.Bench;

/// <summary>What the numbers were measured on.</summary>
public static class MachineInfo
{
    /// <summary>CPU model from /proc/cpuinfo (Linux), else the architecture.</summary>
    public static string CpuModel()
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/cpuinfo"))
            {
                if (line.StartsWith("model name", StringComparison.Ordinal))
                {
                    return line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return RuntimeInformation.ProcessArchitecture.ToString();
    }

    /// <summary>The 1-, 5- and 15-minute load averages from /proc/loadavg (Linux), else "unknown".</summary>
    public static string LoadAverage()
    {
        try
        {
            return string.Join(", ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
        catch (UnauthorizedAccessException)
        {
            return "unknown";
        }
    }

    /// <summary>Widest vector instructions the JIT uses here.</summary>
    public static string VectorSupport() =>
        Vector512.IsHardwareAccelerated ? "AVX-512" : Vector256.IsHardwareAccelerated ? "AVX2" : "128-bit or scalar";

    /// <summary>One line: CPU, cores, vectors, runtime, OS.</summary>
    public static string Describe() =>
        $"{CpuModel()}, {Environment.ProcessorCount} logical cores, {VectorSupport()}, {RuntimeInformation.FrameworkDescription}, {RuntimeInformation.OSDescription}";
}
