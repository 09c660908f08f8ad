using FoolingCluster.Models.Abs;
using FoolingCluster.Tests.Shared;
using Xunit;

namespace FoolingCluster.Models.Tests.Abs;

/// <summary>
/// A fact about the fully trained ABS model in <c>models/abs</c>; reported as skipped, with the
/// command that makes it, where it has not been trained (it takes minutes, too long for a test).
/// </summary>
public sealed class TrainedAbsModelFactAttribute : FactAttribute
{
    public TrainedAbsModelFactAttribute()
    {
        if (!File.Exists(Path.Combine(Folder, AbsCheckpoint.SidecarName)))
        {
            Skip = $"{Folder} holds no trained ABS model; train it with `./fooling abs train --out models/abs`";
        }
    }

    /// <summary>The repository's <c>models/abs</c>.</summary>
    public static string Folder => Path.Combine(RepositoryRoot.Find(), "models", "abs");
}
