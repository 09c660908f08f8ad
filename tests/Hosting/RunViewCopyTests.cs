using FoolingCluster.Coordinator.Http;
using FoolingCluster.Coordinator.Search;
using FoolingCluster.Evolution.Archive;
using FoolingCluster.Hosting.Views;
using FoolingCluster.Protocol.Messages;
using FoolingCluster.Runs;
using Google.Protobuf;
using Xunit;

namespace FoolingCluster.Hosting.Tests;

/// <summary>
/// A standby's copy of the active run, built from answers that each carry at most a budget of
/// bytes: it ends equal to the run, a later generation sends only what changed, and a malformed
/// answer changes nothing.
/// </summary>
public sealed class RunViewCopyTests
{
    private const int Cells = 6;

    /// <summary>
    /// A run of <paramref name="cells"/> cells after <paramref name="generation"/>, every cell filled
    /// with a 20 KB image (a 1,000-cell archive does not fit one answer).
    /// </summary>
    internal static RunSnapshot SnapshotOf(int generation, int cells)
    {
        // An elite is its cell and generation: the same pair, the same image.
        static byte[] Image(int cell, int made)
        {
            byte[] png = new byte[20_000];
            new Random((cell * 31) + made).NextBytes(png);
            return png;
        }

        // Elites from generations 0–2, and from generation 3 on, every fifth cell's replaced by one of that generation.
        static int Made(int cell, int generation) => generation >= 3 && cell % 5 == 0 ? generation : Math.Min(cell % 3, generation);
        EliteView[] views = generation < 0 ? [] : [.. Enumerable.Range(0, cells).Select(c => new EliteView(c, 0.9f, Made(c, generation), Image(c, Made(c, generation))))];
        var stats = new ArchiveStats(cells, views.Length, 0.9f, 0.9f, 0.9f, 0.9 * views.Length, views.Length, 0);
        GenerationRecord[] history = [.. Enumerable.Range(0, generation + 1).Select(g => new GenerationRecord(g, 10, 100L * (g + 1), g * 1.5, 66, stats, [.. Enumerable.Repeat(0.9f, cells)]))];
        return new RunSnapshot("run-2", "cppn", "a 1,000-class model", "running", generation, 10, 100L * (generation + 1), 66.5, stats, views, history);
    }

    [Fact]
    public void Answers_of_a_small_budget_build_the_whole_run_and_a_new_generation_sends_only_its_changes()
    {
        var view = new FixedRunView(Snapshot(generation: 2, ("a", 0), ("b", 1), ("c", 1), ("d", 2)));
        var copy = new RunViewCopy();

        // A budget below one elite's image: one row or one elite per answer.
        (RunSnapshot shown, int answers) = Drain(copy, view, budget: 10);
        Assert.Equal(3 + 4, answers);
        AssertSame(view.Current, shown);

        view.Current = Snapshot(generation: 3, ("a", 0), ("b2", 3), ("c", 1), ("d", 2), ("e", 3));
        RunViewMessage next = RunViewAnswer.To(copy.Query(), view);
        Assert.False(next.More);
        Assert.Equal([3], next.HistoryRows.Select(r => int.Parse(r.Split(',')[0], System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal([1, 4], next.Elites.Select(e => e.Cell));
        AssertSame(view.Current, copy.Apply(next)!);
    }

    [Fact]
    public void Another_run_is_sent_whole_and_replaces_the_copy()
    {
        var view = new FixedRunView(Snapshot(generation: 1, ("a", 0), ("b", 1)));
        var copy = new RunViewCopy();
        Drain(copy, view, RunViewAnswer.DefaultBudgetBytes);

        view.Current = Snapshot(generation: 0, ("x", 0)) with { RunId = "other" };
        (RunSnapshot shown, _) = Drain(copy, view, RunViewAnswer.DefaultBudgetBytes);
        AssertSame(view.Current, shown);
        Assert.Single(shown.Elites);
    }

    [Fact]
    public void No_run_served_shows_nothing()
    {
        Assert.Null(new RunViewCopy().Apply(RunViewAnswer.To(new RunViewQuery(), null)));
    }

    public static TheoryData<string> Malformed => ["cell", "cells", "state", "history", "history-from", "names", "filled"];

    [Theory]
    [MemberData(nameof(Malformed))]
    public void A_malformed_answer_is_refused_and_changes_nothing(string what)
    {
        var view = new FixedRunView(Snapshot(generation: 1, ("a", 0), ("b", 1)));
        var copy = new RunViewCopy();
        (RunSnapshot before, _) = Drain(copy, view, RunViewAnswer.DefaultBudgetBytes);
        RunViewQuery query = copy.Query();
        view.Current = Snapshot(generation: 2, ("a", 0), ("b", 1), ("c", 2));
        RunViewMessage answer = RunViewAnswer.To(query, view);
        switch (what)
        {
            case "cell": answer.Elites[0].Cell = Cells; break;
            case "cells": answer.Stats.Cells = 0; break;
            case "state": answer.State = "exploded"; break;
            case "history": answer.HistoryRows[0] = "2,not,a,row"; break;
            case "history-from": answer.HistoryFrom = 7; break;
            case "names": answer.ClassNames.RemoveAt(0); break;
            case "filled": answer.EliteCells.Add(0); answer.EliteGenerations.Add(2); break;
        }

        Assert.Throws<InvalidDataException>(() => copy.Apply(answer));
        Assert.Equal(query, copy.Query());
        AssertSame(before, copy.Apply(RunViewAnswer.To(query, new FixedRunView(before)))!);
    }

    private static (RunSnapshot Shown, int Answers) Drain(RunViewCopy copy, IRunView view, int budget)
    {
        RunSnapshot? shown;
        int answers = 0;
        RunViewMessage answer;
        do
        {
            answer = RunViewAnswer.To(copy.Query(), view, budget);
            shown = copy.Apply(answer);
            answers++;
            Assert.True(answers < 100, "the answers never end");
        }
        while (answer.More);

        return (shown!, answers);
    }

    internal static void AssertSame(RunSnapshot expected, RunSnapshot actual)
    {
        Assert.Equal((expected.RunId, expected.Encoding, expected.Model, expected.State, expected.Generation, expected.Generations, expected.Evaluations, expected.EvaluationsPerSecond), (actual.RunId, actual.Encoding, actual.Model, actual.State, actual.Generation, actual.Generations, actual.Evaluations, actual.EvaluationsPerSecond));
        Assert.Equal(expected.Stats, actual.Stats);
        Assert.Equal(expected.ClassNames, actual.ClassNames);
        Assert.Equal(expected.Elites.Select(e => (e.Cell, e.Confidence, e.Generation, Convert.ToHexString(e.Png))), actual.Elites.Select(e => (e.Cell, e.Confidence, e.Generation, Convert.ToHexString(e.Png))));
        Assert.Equal(expected.History.Select(HistoryCsv.Row), actual.History.Select(HistoryCsv.Row));
    }

    /// <summary>A run after <paramref name="generation"/>, its elites given as (image bytes, generation) for cells 0, 1, …</summary>
    private static RunSnapshot Snapshot(int generation, params (string Png, int Generation)[] elites)
    {
        EliteView[] views = [.. elites.Select((e, cell) => new EliteView(cell, 0.5f + (cell / 10f), e.Generation, System.Text.Encoding.ASCII.GetBytes(e.Png + new string('.', 20))))];
        var stats = new ArchiveStats(Cells, views.Length, 0.5f, 0.6f, 0.5f + ((views.Length - 1) / 10f), 3.25, 0, 0);
        // A run's history only grows: generation g's row is the same in every later snapshot.
        GenerationRecord[] history = [.. Enumerable.Range(0, generation + 1).Select(g => new GenerationRecord(g, 10, 100L * (g + 1), g * 1.5, 66, new ArchiveStats(Cells, g + 1, 0.5f, 0.5f, 0.5f, 0.5 * (g + 1), 0, 0), [.. Enumerable.Range(0, Cells).Select(c => c <= g ? 0.5f : 0f)]))];
        return new RunSnapshot("run-1", "cppn", "LeNet (test)", "running", generation, 10, 100L * (generation + 1), 66.5, stats, views, history)
        {
            ClassNames = [.. Enumerable.Range(0, Cells).Select(c => $"class {c}")],
        };
    }

    /// <summary>A run view whose snapshot the test sets.</summary>
    internal sealed class FixedRunView(RunSnapshot current) : IRunView
    {
        public RunSnapshot Current { get; set; } = current;

        public List<string> Calls { get; } = [];

        public IReadOnlyList<WorkerStatus> Workers { get; set; } = [];

        public (string WeightsPath, string SidecarPath, string Sha256) Model => ("", "", "");

        public Task<RunSnapshot> NextAsync(CancellationToken cancel) => Task.FromResult(Current);

        public void Pause()
        {
            Calls.Add("pause");
            Current = Current with { State = "paused" };
        }

        public void Resume()
        {
            Calls.Add("resume");
            Current = Current with { State = "running" };
        }

        public void Stop()
        {
            Calls.Add("stop");
            Current = Current with { State = "stopped" };
        }

        public string Export(string name, float? allAbove)
        {
            Calls.Add($"export {name} {allAbove}");
            return name == "bad/name" ? throw new Tensors.InvalidInputException("an export name is a plain folder name (got 'bad/name')") : $"/exports/{name}";
        }
    }
}
