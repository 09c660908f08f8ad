#!/usr/bin/env -S dotnet run
#:property PublishAot=false
#:project Engine/FoolingCluster.Bench.csproj

// The minimisation attacks' figures on the trained LeNet, written to bench/results/attacks-minimization.md.
// Run from the repository root: dotnet run -c Release bench/minimization.cs [--quick] [--images N]
// (needs models/lenet.safetensors, which ./run.sh trains, and MNIST in data/).
using System.Globalization;
using FoolingCluster.Bench;
using FoolingCluster.Models.Checkpoints;
using FoolingCluster.Models.Data;

#if DEBUG
Console.Error.WriteLine("a debug build measures nothing useful: run with -c Release");
return 1;
#else

bool quick = args.Contains("--quick");
int at = Array.IndexOf(args, "--images");
int images = at >= 0 ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : quick ? 100 : 1000;
const string ModelPath = "models/lenet.safetensors";
string output = quick ? Path.Combine(Path.GetTempPath(), "attacks-minimization-quick.md") : "bench/results/attacks-minimization.md";

Console.WriteLine($"machine: {MachineInfo.Describe()}");
LoadedModel loaded = ModelCheckpoint.Load(ModelPath);
ImageDataset test = MnistDataset.Load(MnistDataset.DefaultDirectory, MnistSplit.Test, images);
IReadOnlyList<Figure> figures = MinimizationBenchmark.Run(loaded.Model, test, f => Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{f.Name}: {f.Value:G5} {f.Unit}")), quick);
string command = "dotnet run -c Release bench/minimization.cs" + (quick ? " --quick" : "") + (at >= 0 ? $" --images {images}" : "");
File.WriteAllText(output, MinimizationBenchmark.Markdown(figures, command, $"{ModelPath} (trained LeNet), first {test.Count:N0} MNIST test images"));
Console.WriteLine($"wrote {output}");
return 0;
#endif
