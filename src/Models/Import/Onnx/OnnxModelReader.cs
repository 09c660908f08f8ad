using FoolingCluster.Models.Import.Onnx.Proto;
using Google.Protobuf;

namespace FoolingCluster.Models.Import.Onnx;

/// <summary>Parses an ONNX file into its protobuf message and checks it is a model at all.</summary>
internal static class OnnxModelReader
{
    /// <summary>Reads and parses <paramref name="path"/>.</summary>
    /// <exception cref="OnnxFormatException">The file is missing, truncated, or not an ONNX model.</exception>
    public static ModelProto Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new OnnxFormatException(path, "the ONNX model file does not exist");
        }

        return Parse(File.ReadAllBytes(path), path);
    }

    /// <summary>Parses the bytes of a model file; <paramref name="path"/> only names it in messages.</summary>
    /// <exception cref="OnnxFormatException">The bytes are truncated or not an ONNX model.</exception>
    public static ModelProto Parse(byte[] bytes, string path)
    {
        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new OnnxFormatException(path, $"not a readable ONNX model, the file is truncated or is not protobuf ({e.Message})", e);
        }

        // Protobuf parses many byte strings without complaint (every field is optional), so a
        // file that parsed is still checked for the fields every ONNX exporter writes.
        if (model.IrVersion <= 0 || model.Graph is null || model.OpsetImport.Count == 0)
        {
            throw new OnnxFormatException(path, "not an ONNX model: it lacks an IR version, a graph or an opset import (is the file truncated, or another format?)");
        }

        return model;
    }
}
