using System.Globalization;

namespace FoolingCluster.Runs;

/// <summary>
/// Where a file of checksummed records stops being readable: the first record that is
/// incomplete or damaged. Everything before it is intact; it and everything after are dropped.
/// </summary>
/// <param name="Path">The file.</param>
/// <param name="Record">The bad record's number, counted from 1.</param>
/// <param name="Offset">Byte offset where the bad record starts (= length of the intact part).</param>
/// <param name="Problem">What is wrong with it, e.g. "checksum mismatch".</param>
/// <param name="Torn">
/// Whether the record merely runs past the end of the file: what a write cut short by a crash
/// or kill leaves, the normal end of a log after one, rather than damage.
/// </param>
public sealed record RecordDamage(string Path, int Record, long Offset, string Problem, bool Torn)
{
    /// <summary>Records before the bad one, all intact.</summary>
    public int Kept => Record - 1;

    private string Records => Kept == 1 ? "record" : "records";

    /// <summary>One line for a warning: the file, the record and byte, the problem, and what is kept.</summary>
    public override string ToString() => Torn
        ? string.Create(CultureInfo.InvariantCulture, $"{Path}: record {Record:N0} at byte {Offset:N0} is incomplete ({Problem}), as a write cut short by a crash leaves it; kept the {Kept:N0} {Records} before it")
        : string.Create(CultureInfo.InvariantCulture, $"{Path}: record {Record:N0} at byte {Offset:N0} is damaged ({Problem}); kept {Kept:N0} {Records}, dropped the rest");
}
