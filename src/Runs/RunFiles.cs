namespace FoolingCluster.Runs;

/// <summary>Names of the files a search leaves in its run folder.</summary>
public static class RunFiles
{
    /// <summary>The resolved configuration.</summary>
    public const string Config = "config.json";

    /// <summary>Per generation: evaluations, speed, archive summary, every cell's confidence.</summary>
    public const string History = "history.csv";

    /// <summary>The archive and scheduler state as of the last snapshot (protobuf <c>ArchiveSnapshotMessage</c>), for the commands that read a run.</summary>
    public const string Archive = "archive.pb";

    /// <summary>The run's store on one machine (SQLite): every merged generation since the last snapshot, and the snapshot.</summary>
    public const string Store = "journal.db";

    /// <summary>The <c>--journal</c> address (no password) of a run whose journal is not its own <see cref="Store"/>; absent otherwise.</summary>
    public const string JournalLocation = "journal-location.txt";

    /// <summary>Archive changes of every generation since the last snapshot, in run folders written before <see cref="Store"/> kept them; read when such a run is resumed.</summary>
    public const string Journal = "journal.bin";

    /// <summary>Every distinct image that reached the record threshold.</summary>
    public const string Found = "found.bin";

    /// <summary>The target model's weights, copied so the folder is self-contained.</summary>
    public const string Model = "model.safetensors";

    /// <summary>The target model when it is an ONNX file, copied with a sidecar (<c>model.json</c>) that says how it runs.</summary>
    public const string OnnxModel = "model.onnx";

    /// <summary>The target model file in <paramref name="folder"/>: <see cref="OnnxModel"/> if the target is ONNX, else <see cref="Model"/>.</summary>
    public static string ModelIn(string folder)
    {
        string onnx = Path.Combine(folder, OnnxModel);
        return File.Exists(onnx) ? onnx : Path.Combine(folder, Model);
    }

    /// <summary>The labelled grid of elites.</summary>
    public const string ElitesGrid = "elites.png";

    /// <summary>Folder of one 8-bit PNG per filled cell, named by class.</summary>
    public const string ElitesFolder = "elites";

    /// <summary>The HTML report with the grid and the confidence curves.</summary>
    public const string Report = "report.html";

    /// <summary>The PNG of the elite of <paramref name="cell"/>, relative to the run folder.</summary>
    public static string ElitePng(int cell) => Path.Combine(ElitesFolder, $"{cell}.png");
}
