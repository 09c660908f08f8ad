using Xunit;

namespace FoolingCluster.Evolution.Tests.Support;

/// <summary>Tests that change the process-wide <c>Engine.Threads</c> run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EngineThreadsGroup
{
    public const string Name = "Engine.Threads";
}
