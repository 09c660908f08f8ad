using FoolingCluster.Evolution.Genomes;
using FoolingCluster.Protocol.Messages;
using Google.Protobuf;

namespace FoolingCluster.Runs.Codecs;

/// <summary>Found images as <see cref="RecordedImageMessage"/>, in the journal's generation records (which give their generation).</summary>
public static class FoundImageCodec
{
    /// <summary>The image as a message.</summary>
    public static RecordedImageMessage ToMessage(FoundImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        return new RecordedImageMessage { Label = image.Label, Confidence = image.Confidence, Pixels = ByteString.CopyFrom(image.Pixels) };
    }

    /// <summary>The image a message of generation <paramref name="generation"/> holds, or null when it is not an image of <paramref name="shape"/> with a valid label and confidence.</summary>
    public static FoundImage? FromMessage(RecordedImageMessage message, int generation, ImageShape shape)
    {
        ArgumentNullException.ThrowIfNull(message);
        bool valid = message.Pixels.Length == shape.Size && message.Label >= 0 && generation >= 0
            && message.Confidence is >= 0f and <= 1f;
        return valid ? new FoundImage(message.Label, message.Confidence, generation, message.Pixels.ToByteArray()) : null;
    }
}
