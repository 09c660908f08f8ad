namespace FoolingCluster.Evolution.Genomes.Cppn;

/// <summary>
/// A compositional pattern-producing network (Stanley 2007) that draws an image: each pixel's
/// coordinates x, y ∈ [−1,1] and distance d from the centre, plus a bias of 1, flow through
/// a feed-forward graph whose nodes each carry their own activation function; one output per
/// channel. Immutable; the constructor checks every structural invariant, so a genome that
/// exists is acyclic and drawable.
/// </summary>
public sealed class CppnGenome
{
    /// <summary>Ids of the inputs x, y, d.</summary>
    public const int InputX = 0, InputY = 1, InputD = 2;

    /// <summary>Id of the bias input.</summary>
    public const int BiasId = 3;

    /// <summary>Id of the first output; output c has id FirstOutputId + c.</summary>
    public const int FirstOutputId = 4;

    /// <summary>Number of inputs including the bias.</summary>
    public const int InputCount = 4;

    private readonly CppnNode[] _nodes;
    private readonly CppnConnection[] _connections;

    /// <summary>Builds and checks a genome.</summary>
    /// <param name="shape">Image shape it draws; its channel count is the number of outputs.</param>
    /// <param name="nodes">Inputs x, y, d (ids 0–2), bias (3), outputs (4…), then hidden nodes.</param>
    /// <param name="connections">Edges; at most one per ordered pair, none into an input, none out of an output.</param>
    /// <param name="nextNodeId">Id the next added node gets; greater than every node id.</param>
    /// <exception cref="InvalidGenomeException">An invariant does not hold; the message says which.</exception>
    public CppnGenome(ImageShape shape, IEnumerable<CppnNode> nodes, IEnumerable<CppnConnection> connections, int nextNodeId)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        ArgumentNullException.ThrowIfNull(connections);
        if (shape.Channels is not (1 or 3) || shape.Height < 1 || shape.Width < 1)
        {
            throw new InvalidGenomeException($"a CPPN draws 1 or 3 channels of positive size (got {shape})");
        }

        Shape = shape;
        _nodes = nodes.ToArray();
        _connections = connections.ToArray();
        NextNodeId = nextNodeId;
        Program = CppnProgram.Compile(this);
    }

    /// <summary>Image shape it draws.</summary>
    public ImageShape Shape { get; }

    /// <summary>All nodes: inputs, bias, outputs, then hidden nodes in the order they were added.</summary>
    public IReadOnlyList<CppnNode> Nodes => _nodes;

    /// <summary>All connections.</summary>
    public IReadOnlyList<CppnConnection> Connections => _connections;

    /// <summary>Id the next added node gets.</summary>
    public int NextNodeId { get; }

    /// <summary>Number of hidden nodes.</summary>
    public int HiddenCount => _nodes.Length - InputCount - Shape.Channels;

    /// <summary>The evaluation plan, in topological order.</summary>
    internal CppnProgram Program { get; }
}
