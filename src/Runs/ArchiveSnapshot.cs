using FoolingCluster.Evolution.Archive;
using FoolingCluster.Evolution.Encodings;
using FoolingCluster.Evolution.Genomes;
using FoolingCluster.Evolution.Randomness;
using FoolingCluster.Evolution.Scheduling;
using FoolingCluster.Models.Data;
using FoolingCluster.Protocol.Messages;
using FoolingCluster.Runs.Codecs;
using FoolingCluster.Tensors.Serialization;
using Google.Protobuf;

namespace FoolingCluster.Runs;

/// <summary>What a snapshot restores: the archive and where the scheduler stood.</summary>
/// <typeparam name="TGenome">Genome type.</typeparam>
/// <param name="RunId">Run the snapshot belongs to.</param>
/// <param name="Archive">The archive.</param>
/// <param name="Random">The scheduler's generator, at the state it had.</param>
/// <param name="NextGeneration">Generation the next ask produces.</param>
/// <param name="SearchSeconds">Search time spent before the snapshot.</param>
public sealed record RestoredSearch<TGenome>(string RunId, EliteArchive<TGenome> Archive, DeterministicRandom Random, int NextGeneration, double SearchSeconds);

/// <summary>
/// <c>archive.pb</c>: the archive and the scheduler's generator state as one protobuf
/// message, replaced atomically, so a resumed search continues exactly as the uninterrupted
/// one would have.
/// </summary>
public static class ArchiveSnapshot
{
    /// <summary>The snapshot as a message.</summary>
    public static ArchiveSnapshotMessage ToMessage<TGenome>(string runId, IEncoding<TGenome> encoding, Scheduler<TGenome> scheduler, double searchSeconds)
    {
        ArgumentNullException.ThrowIfNull(encoding);
        ArgumentNullException.ThrowIfNull(scheduler);
        if (scheduler.HasPendingAsk)
        {
            throw new InvalidOperationException("a snapshot is taken between generations, not while a batch is out for evaluation");
        }

        EliteArchive<TGenome> archive = scheduler.Archive;
        var message = new ArchiveSnapshotMessage
        {
            RunId = runId,
            Encoding = encoding.Name,
            Cells = archive.Cells,
            Generation = scheduler.NextGeneration,
            Evaluations = archive.Evaluations,
            SearchSeconds = searchSeconds,
        };
        message.RandomState.AddRange(scheduler.Random.State);
        message.Elites.AddRange(archive.Elites.Select(e => ToMessage(e, encoding)));
        return message;
    }

    /// <summary>One elite as a message.</summary>
    public static EliteMessage ToMessage<TGenome>(Elite<TGenome> elite, IEncoding<TGenome> encoding)
    {
        ArgumentNullException.ThrowIfNull(elite);
        ArgumentNullException.ThrowIfNull(encoding);
        var message = new EliteMessage
        {
            Cell = elite.Cell,
            Genome = encoding.ToMessage(elite.Genome),
            Confidence = elite.Confidence,
            Generation = elite.Generation,
            Id = elite.Id,
        };
        message.Probabilities.AddRange(elite.Probabilities);
        return message;
    }

    /// <summary>One elite from a message read from <paramref name="source"/>, checked.</summary>
    /// <exception cref="DataFormatException">The elite is not valid for this encoding and cell count.</exception>
    public static Elite<TGenome> FromMessage<TGenome>(EliteMessage e, IEncoding<TGenome> encoding, int cells, string source)
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(encoding);
        void Require(bool ok, string problem)
        {
            if (!ok)
            {
                throw new DataFormatException(source, problem);
            }
        }

        Require(e.Cell >= 0 && e.Cell < cells, $"elite for cell {e.Cell} outside the {cells} cells");
        Require(e.Probabilities.Count == cells, $"elite of cell {e.Cell} has {e.Probabilities.Count} probabilities, expected {cells}");
        Require(float.IsFinite(e.Confidence) && e.Confidence == e.Probabilities[e.Cell], $"elite of cell {e.Cell} has a confidence that is not its class's probability");
        try
        {
            return new Elite<TGenome>(e.Cell, encoding.FromMessage(e.Genome ?? new GenomeMessage()), e.Confidence, [.. e.Probabilities], e.Generation, e.Id);
        }
        catch (InvalidGenomeException ex)
        {
            throw new DataFormatException(source, $"elite of cell {e.Cell}: {ex.Message}");
        }
    }

    /// <summary>Writes the snapshot of <paramref name="scheduler"/>'s search atomically to <paramref name="path"/>.</summary>
    public static void Save<TGenome>(string path, string runId, IEncoding<TGenome> encoding, Scheduler<TGenome> scheduler, double searchSeconds) =>
        Save(path, ToMessage(runId, encoding, scheduler, searchSeconds));

    /// <summary>Writes <paramref name="message"/> atomically to <paramref name="path"/>.</summary>
    public static void Save(string path, ArchiveSnapshotMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        using AtomicFile file = AtomicFile.Create(path);
        message.WriteTo(file.Stream);
        file.Commit();
    }

    /// <summary>Reads and checks a snapshot.</summary>
    /// <exception cref="DataFormatException">Missing, unreadable, or not a snapshot of this encoding and cell count; the message says what is wrong.</exception>
    public static RestoredSearch<TGenome> Load<TGenome>(string path, IEncoding<TGenome> encoding, int cells)
    {
        ArgumentNullException.ThrowIfNull(encoding);
        if (!File.Exists(path))
        {
            throw new DataFormatException(path, "no archive snapshot: the run ended before its first snapshot (taken every snapshotEvery generations and when it stops cleanly), so there is nothing to resume; start it afresh");
        }

        ArchiveSnapshotMessage message;
        try
        {
            message = ArchiveSnapshotMessage.Parser.ParseFrom(File.ReadAllBytes(path));
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new DataFormatException(path, $"not a readable archive snapshot ({ex.Message})");
        }

        return FromMessage(message, encoding, cells, path);
    }

    /// <summary>Rebuilds the search state from <paramref name="message"/>; <paramref name="source"/> names it in errors.</summary>
    public static RestoredSearch<TGenome> FromMessage<TGenome>(ArchiveSnapshotMessage message, IEncoding<TGenome> encoding, int cells, string source)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(encoding);
        void Require(bool ok, string problem)
        {
            if (!ok)
            {
                throw new DataFormatException(source, problem);
            }
        }

        Require(message.Encoding == encoding.Name, $"snapshot of a '{message.Encoding}' search, but the configuration says '{encoding.Name}'");
        Require(message.Cells == cells, $"snapshot has {message.Cells} cells, the model has {cells} classes");
        Require(message.Generation >= 0 && message.Evaluations >= 0, "negative generation or evaluation count");
        Require(message.RandomState.Count == 4 && message.RandomState.Any(w => w != 0), "generator state must be four words, not all zero");
        var archive = new EliteArchive<TGenome>(cells);
        List<Elite<TGenome>> elites = message.Elites.Select(e => FromMessage(e, encoding, cells, source)).ToList();

        try
        {
            archive.Restore(elites, message.Evaluations);
        }
        catch (ArgumentException ex)
        {
            throw new DataFormatException(source, ex.Message);
        }

        return new RestoredSearch<TGenome>(message.RunId, archive, new DeterministicRandom([.. message.RandomState]), message.Generation, message.SearchSeconds);
    }
}
