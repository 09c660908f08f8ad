namespace FoolingCluster.Runs.Reporting;

/// <summary>report.html's style and script, kept as files beside the code (report.css, report.js) and embedded in the assembly.</summary>
internal static class ReportAssets
{
    /// <summary>The style sheet.</summary>
    public static string Css { get; } = Read("report.css") + HeatMapAssets.Css;

    /// <summary>The script: the table's sorting and filtering and the chosen class's history.</summary>
    public static string Script { get; } = Read("report.js");

    /// <summary>An asset embedded beside this class, by file name.</summary>
    public static string Read(string name)
    {
        using Stream stream = typeof(ReportAssets).Assembly.GetManifestResourceStream("FoolingCluster.Runs.Reporting." + name)
            ?? throw new InvalidOperationException($"the report asset {name} is missing from the assembly");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
