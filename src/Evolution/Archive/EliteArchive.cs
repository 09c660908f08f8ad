using FoolingCluster.Tensors;

namespace FoolingCluster.Evolution.Archive;

/// <summary>
/// The MAP-Elites archive of the fooling-image experiments: one cell per class, the fitness
/// of cell y is the classifier's probability of class y, and since one evaluation gives the
/// probability of every class, a candidate enters <em>every</em> cell where it beats the
/// elite. A tie keeps the incumbent.
/// </summary>
/// <typeparam name="TGenome">Genome type.</typeparam>
public sealed class EliteArchive<TGenome>
{
    private readonly Elite<TGenome>?[] _cells;

    /// <summary>An empty archive of <paramref name="cells"/> cells.</summary>
    public EliteArchive(int cells)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(cells, 1);
        _cells = new Elite<TGenome>?[cells];
    }

    /// <summary>Number of cells (classes).</summary>
    public int Cells => _cells.Length;

    /// <summary>Evaluations added so far; the next candidate gets this id.</summary>
    public long Evaluations { get; private set; }

    /// <summary>The elite of <paramref name="cell"/>, or null while the cell is empty.</summary>
    public Elite<TGenome>? this[int cell] => _cells[cell];

    /// <summary>The elites of the filled cells, in cell order.</summary>
    public IReadOnlyList<Elite<TGenome>> Elites => _cells.Where(e => e is not null).Select(e => e!).ToArray();

    /// <summary>Adds a batch of evaluated candidates, in order.</summary>
    /// <param name="genomes">The candidates, N of them.</param>
    /// <param name="probabilities">Their softmax outputs, <c>[N,K]</c> with K = <see cref="Cells"/>.</param>
    /// <param name="generation">Generation that produced them.</param>
    /// <returns>One result per candidate.</returns>
    /// <exception cref="ShapeMismatchException">The probabilities are not <c>[N,K]</c>.</exception>
    public AddResult[] Add(IReadOnlyList<TGenome> genomes, ReadOnlySpan<float> probabilities, int generation)
    {
        ArgumentNullException.ThrowIfNull(genomes);
        long first = Evaluations;
        AddResult[] results = Merge(genomes, probabilities, generation, i => first + i, genomes.Count);
        return results;
    }

    /// <summary>
    /// Adds candidates evaluated elsewhere, in order, with the evaluation ids they were given,
    /// then counts <paramref name="evaluations"/> evaluations: a worker reports only the
    /// children that beat some elite, but every child it evaluated counts.
    /// </summary>
    /// <param name="genomes">The reported candidates, N of them.</param>
    /// <param name="probabilities">Their softmax outputs, <c>[N,K]</c>.</param>
    /// <param name="generation">Generation that produced them.</param>
    /// <param name="ids">Evaluation id of candidate i.</param>
    /// <param name="evaluations">Evaluations the batch stands for (at least N).</param>
    /// <exception cref="ShapeMismatchException">The probabilities are not <c>[N,K]</c>.</exception>
    public AddResult[] Merge(IReadOnlyList<TGenome> genomes, ReadOnlySpan<float> probabilities, int generation, Func<int, long> ids, long evaluations)
    {
        ArgumentNullException.ThrowIfNull(genomes);
        ArgumentNullException.ThrowIfNull(ids);
        int k = Cells;
        if (probabilities.Length != genomes.Count * k)
        {
            throw new ShapeMismatchException($"probabilities must be [{genomes.Count},{k}] ({genomes.Count * k} values) for {genomes.Count} candidates; got {probabilities.Length} values");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(evaluations, genomes.Count);
        var results = new AddResult[genomes.Count];
        for (int n = 0; n < genomes.Count; n++)
        {
            ReadOnlySpan<float> p = probabilities.Slice(n * k, k);
            long id = ids(n);
            float[]? copy = null;
            AddStatus status = AddStatus.NotAdded;
            int entered = 0;
            float improvement = 0;
            for (int cell = 0; cell < k; cell++)
            {
                Elite<TGenome>? incumbent = _cells[cell];
                // Written so that NaN enters no cell, not even an empty one: nothing could
                // ever beat a NaN elite.
                if (!(p[cell] > (incumbent?.Confidence ?? float.NegativeInfinity)))
                {
                    continue;
                }

                copy ??= p.ToArray();
                _cells[cell] = new Elite<TGenome>(cell, genomes[n], p[cell], copy, generation, id);
                entered++;
                improvement += p[cell] - (incumbent?.Confidence ?? 0f);
                status = incumbent is null ? AddStatus.New : (status == AddStatus.New ? AddStatus.New : AddStatus.Improved);
            }

            results[n] = new AddResult(status, entered, improvement);
        }

        Evaluations += evaluations;
        return results;
    }

    /// <summary>Fills an empty archive from a snapshot.</summary>
    /// <param name="elites">Elites of distinct cells.</param>
    /// <param name="evaluations">Evaluations the snapshot's run had made.</param>
    public void Restore(IEnumerable<Elite<TGenome>> elites, long evaluations)
    {
        ArgumentNullException.ThrowIfNull(elites);
        if (Evaluations != 0 || _cells.Any(e => e is not null))
        {
            throw new InvalidOperationException("only an empty archive can be restored");
        }

        foreach (Elite<TGenome> elite in elites)
        {
            if (elite.Cell < 0 || elite.Cell >= Cells || _cells[elite.Cell] is not null)
            {
                throw new ArgumentException($"elite for cell {elite.Cell} is outside the {Cells} cells or repeats a cell", nameof(elites));
            }

            _cells[elite.Cell] = elite;
        }

        Evaluations = evaluations;
    }

    /// <summary>Counts and confidence summary over the filled cells.</summary>
    public ArchiveStats Stats()
    {
        float[] confidences = _cells.Where(e => e is not null).Select(e => e!.Confidence).Order().ToArray();
        if (confidences.Length == 0)
        {
            return new ArchiveStats(Cells, 0, 0, 0, 0, 0, 0, 0);
        }

        int m = confidences.Length;
        float median = m % 2 == 1 ? confidences[m / 2] : 0.5f * (confidences[(m / 2) - 1] + confidences[m / 2]);
        return new ArchiveStats(
            Cells,
            m,
            confidences[0],
            median,
            confidences[^1],
            confidences.Sum(c => (double)c),
            confidences.Count(c => c >= 0.99f),
            confidences.Count(c => c >= ArchiveStats.FoolingThreshold));
    }
}
