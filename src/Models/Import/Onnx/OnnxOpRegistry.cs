using FoolingCluster.Models.Import.Onnx.Ops;

namespace FoolingCluster.Models.Import.Onnx;

/// <summary>
/// The one table of supported ONNX ops, keyed by op type. Supporting a new op is writing an
/// <see cref="IOnnxOp"/> and adding it to <see cref="Default"/>.
/// </summary>
public sealed class OnnxOpRegistry
{
    private readonly Dictionary<string, IOnnxOp> _ops = new(StringComparer.Ordinal);

    /// <summary>A registry of <paramref name="ops"/>.</summary>
    /// <exception cref="ArgumentException">Two converters claim the same op type.</exception>
    public OnnxOpRegistry(IEnumerable<IOnnxOp> ops)
    {
        foreach (IOnnxOp op in ops)
        {
            foreach (string type in op.OpTypes)
            {
                if (!_ops.TryAdd(type, op))
                {
                    throw new ArgumentException($"two converters claim the ONNX op {type}", nameof(ops));
                }
            }
        }
    }

    /// <summary>Every op this version of the importer supports.</summary>
    public static OnnxOpRegistry Default { get; } = new(
    [
        new ConvOp(), new GemmOp(), new MatMulOp(), new ArithmeticOps(), new ActivationOps(),
        new MaxPoolOp(), new FlattenOp(), new ReshapeOp(), new SoftmaxOps(), new PassThroughOps(),
        new ConstantOp(), new AveragePoolOp(), new GlobalAveragePoolOp(), new BatchNormalizationOp(),
        new ConcatOp(), new PadOp(), new ClipOp(), new LeakyReluOp(), new SqueezeOp(), new UnsqueezeOp(),
        new ShapeOp(), new GatherOp(), new ConstantOfShapeOp(),
    ]);

    /// <summary>Supported op types, sorted.</summary>
    public IReadOnlyList<string> OpTypes => _ops.Keys.Order(StringComparer.Ordinal).ToArray();

    /// <summary>The converter for <paramref name="opType"/>, or null.</summary>
    public IOnnxOp? Find(string opType) => _ops.GetValueOrDefault(opType);
}
