using System.Globalization;
using System.Text;
using FoolingCluster.Coordinator.Search;
using FoolingCluster.Evolution.Archive;
using FoolingCluster.Runs.Reporting;

namespace FoolingCluster.Coordinator.Http;

/// <summary>
/// <c>GET /metrics</c>: the run and its workers in the Prometheus text exposition format
/// (version 0.0.4), one <c># HELP</c> and <c># TYPE</c> per metric family.
/// </summary>
public static class PrometheusMetrics
{
    /// <summary>The content type Prometheus expects for this format.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>The exposition of <paramref name="snapshot"/> and <paramref name="workers"/> as of <paramref name="nowUtc"/>.</summary>
    public static string Render(RunSnapshot snapshot, IReadOnlyList<WorkerStatus> workers, DateTime nowUtc)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(workers);
        var text = new Writer();
        ArchiveStats stats = snapshot.Stats;

        text.Family("fooling_run_info", "gauge", "The run being served (always 1); its id, encoding and state are labels.");
        text.Sample("fooling_run_info", [("run_id", snapshot.RunId), ("encoding", snapshot.Encoding), ("state", snapshot.State)], 1);
        text.Family("fooling_paused", "gauge", "1 while the search is paused.");
        text.Sample("fooling_paused", [], snapshot.State == "paused" ? 1 : 0);
        text.Single("fooling_generation", "gauge", "Last completed generation (-1 before the first).", snapshot.Generation);
        text.Single("fooling_generations_target", "gauge", "Configured last generation.", snapshot.Generations);
        text.Single("fooling_evaluations_total", "counter", "Images evaluated by the classifier so far.", snapshot.Evaluations);
        text.Single("fooling_evaluations_per_second", "gauge", "Evaluations per second over the last generation.", snapshot.EvaluationsPerSecond);
        text.Single("fooling_cells", "gauge", "Cells of the archive (one per class).", stats.Cells);
        text.Single("fooling_cells_filled", "gauge", "Cells holding an elite.", stats.Filled);
        text.Family("fooling_cells_fooled", "gauge", "Cells whose elite reaches the confidence threshold.");
        text.Sample("fooling_cells_fooled", [("threshold", "0.99")], stats.AtLeast99);
        text.Sample("fooling_cells_fooled", [("threshold", "0.9999")], stats.AtLeast9999);
        text.Single("fooling_qd_score", "gauge", "Sum of elite confidences (empty cells count 0).", stats.QdScore);
        // One sample per filled cell: about 100 bytes a cell for both families, so 1,000 classes
        // make an exposition of about 100 kB, which Prometheus scrapes without trouble.
        var labels = new ClassLabels(snapshot.ClassNames);
        text.Family("fooling_elite_confidence", "gauge", "The elite's probability of its cell's class.");
        foreach (EliteView elite in snapshot.Elites)
        {
            text.Sample("fooling_elite_confidence", CellLabels(elite.Cell, labels), Number(elite.Confidence));
        }

        text.Family("fooling_elite_generation", "gauge", "Generation that produced the cell's elite.");
        foreach (EliteView elite in snapshot.Elites)
        {
            text.Sample("fooling_elite_generation", CellLabels(elite.Cell, labels), elite.Generation);
        }

        text.Single("fooling_workers", "gauge", "Workers seen.", workers.Count);
        text.Family("fooling_worker_evaluations_total", "counter", "Evaluations in results accepted from the worker.");
        foreach (WorkerStatus w in workers)
        {
            text.Sample("fooling_worker_evaluations_total", [("worker", w.WorkerId)], w.Evaluations);
        }

        text.Family("fooling_worker_evaluations_per_second", "gauge", "The worker's own rate, from its last heartbeat.");
        foreach (WorkerStatus w in workers)
        {
            text.Sample("fooling_worker_evaluations_per_second", [("worker", w.WorkerId)], w.EvaluationsPerSecond);
        }

        text.Family("fooling_worker_last_heartbeat_seconds", "gauge", "Seconds since the worker's last heartbeat (absent before its first).");
        foreach (WorkerStatus w in workers)
        {
            if (DashboardJson.HeartbeatAge(w, nowUtc) is double age)
            {
                text.Sample("fooling_worker_last_heartbeat_seconds", [("worker", w.WorkerId)], age);
            }
        }

        text.Family("fooling_worker_results_total", "counter", "Results accepted from the worker.");
        foreach (WorkerStatus w in workers)
        {
            text.Sample("fooling_worker_results_total", [("worker", w.WorkerId)], w.Results);
        }

        text.Family("fooling_worker_rejected_total", "counter", "Messages from the worker that failed the coordinator's checks.");
        foreach (WorkerStatus w in workers)
        {
            text.Sample("fooling_worker_rejected_total", [("worker", w.WorkerId)], w.Rejected);
        }

        return text.ToString();
    }

    /// <summary>A cell's labels: its index, and its class name when the model names its classes.</summary>
    private static (string Name, string Value)[] CellLabels(int cell, ClassLabels labels) =>
        labels.Name(cell) is string name
            ? [("cell", cell.ToString(CultureInfo.InvariantCulture)), ("name", name)]
            : [("cell", cell.ToString(CultureInfo.InvariantCulture))];

    /// <summary>A sample value as the format writes it: shortest round-trip decimal, NaN, +Inf, -Inf.</summary>
    public static string Number(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        double.NaN => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    /// <summary>A float32 sample value: its own shortest round-trip decimal (0.99998, not 0.9999799728393555).</summary>
    public static string Number(float value) => float.IsFinite(value) ? value.ToString("R", CultureInfo.InvariantCulture) : Number((double)value);

    /// <summary>A label value with backslash, double quote and line feed escaped.</summary>
    public static string EscapeLabel(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
    }

    private sealed class Writer
    {
        private readonly StringBuilder _text = new();

        public void Family(string name, string type, string help)
        {
            // HELP text escapes backslash and line feed only.
            string escaped = help.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
            _text.Append("# HELP ").Append(name).Append(' ').Append(escaped).Append('\n');
            _text.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
        }

        public void Single(string name, string type, string help, double value)
        {
            Family(name, type, help);
            Sample(name, [], value);
        }

        public void Sample(string name, (string Name, string Value)[] labels, double value) => Sample(name, labels, Number(value));

        public void Sample(string name, (string Name, string Value)[] labels, string value)
        {
            _text.Append(name);
            if (labels.Length > 0)
            {
                _text.Append('{').AppendJoin(',', labels.Select(l => $"{l.Name}=\"{EscapeLabel(l.Value)}\"")).Append('}');
            }

            _text.Append(' ').Append(value).Append('\n');
        }

        public override string ToString() => _text.ToString();
    }
}
