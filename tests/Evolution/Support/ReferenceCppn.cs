using FoolingCluster.Evolution.Genomes;
using FoolingCluster.Evolution.Genomes.Cppn;
using FoolingCluster.Evolution.Tests.Genomes;

namespace FoolingCluster.Evolution.Tests.Support;

/// <summary>
/// The CPPN drawn the slow, obvious way: for every pixel, each output is evaluated by walking
/// the graph backwards from it, with the scalar activations.
/// </summary>
internal static class ReferenceCppn
{
    public static float[] Render(CppnGenome genome)
    {
        ImageShape shape = genome.Shape;
        int pixels = shape.Pixels;
        var planes = new float[shape.Channels * pixels];
        Dictionary<int, CppnNode> nodes = genome.Nodes.ToDictionary(n => n.Id);
        for (int r = 0; r < shape.Height; r++)
        {
            for (int c = 0; c < shape.Width; c++)
            {
                float x = shape.Width == 1 ? 0f : (2f * c / (shape.Width - 1)) - 1f;
                float y = shape.Height == 1 ? 0f : (2f * r / (shape.Height - 1)) - 1f;
                var values = new Dictionary<int, float>
                {
                    [CppnGenome.InputX] = x,
                    [CppnGenome.InputY] = y,
                    [CppnGenome.InputD] = MathF.Sqrt((x * x) + (y * y)),
                    [CppnGenome.BiasId] = 1f,
                };
                for (int channel = 0; channel < shape.Channels; channel++)
                {
                    float output = Value(genome, nodes, CppnGenome.FirstOutputId + channel, values);
                    planes[(channel * pixels) + (r * shape.Width) + c] = Math.Clamp((output + 1f) / 2f, 0f, 1f);
                }
            }
        }

        if (shape.Channels == 1)
        {
            return planes;
        }

        var rgb = new float[planes.Length];
        HsvToRgbTests.ReferenceConvert(planes, rgb);
        return rgb;
    }

    private static float Value(CppnGenome genome, Dictionary<int, CppnNode> nodes, int id, Dictionary<int, float> values)
    {
        if (values.TryGetValue(id, out float known))
        {
            return known;
        }

        float sum = 0f;
        foreach (CppnConnection connection in genome.Connections)
        {
            if (connection.To == id)
            {
                sum += Value(genome, nodes, connection.From, values) * connection.Weight;
            }
        }

        float value = CppnActivations.Apply(nodes[id].Activation, sum);
        values[id] = value;
        return value;
    }
}
