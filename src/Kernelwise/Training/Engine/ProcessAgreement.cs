namespace Kernelwise.Training.Engine;

/// <summary>
/// Makes the processes of a data-parallel <c>Fit</c> take the same decisions — the data order's seed, the size of the
/// run, whether to stop — so that none of them is left waiting in a collective operation the others never reach.
/// Everything goes through <see cref="DistributionStrategy.SumAcrossProcesses"/>: a table with one row per process,
/// each process filling its own row, summed, is every process's values in every process.
/// </summary>
internal static class ProcessAgreement
{
    /// <summary>Every process's <paramref name="values"/>, one row per process (rank order).</summary>
    public static double[][] Gather(DistributionStrategy strategy, params double[] values)
    {
        int n = values.Length, ranks = strategy.WorldSize;
        var table = new double[ranks * n];
        Array.Copy(values, 0, table, strategy.Rank * n, n);
        strategy.SumAcrossProcesses(table);
        var rows = new double[ranks][];
        for (int r = 0; r < ranks; r++) rows[r] = table.AsSpan(r * n, n).ToArray();
        return rows;
    }

    /// <summary>Rank 0's <paramref name="value"/> (for example the shuffle seed a process drew when <c>Fit</c> had none).</summary>
    public static int FromPrimary(DistributionStrategy strategy, int value) => (int)Gather(strategy, value)[0][0];

    /// <summary>
    /// Throws, in every process, when some process's <paramref name="facts"/> differ from rank 0's: processes that would
    /// run a different number of steps would wait for each other for ever.
    /// </summary>
    public static void EnsureSameRun(DistributionStrategy strategy, params (string What, double Value)[] facts)
    {
        var rows = Gather(strategy, facts.Select(f => f.Value).ToArray());
        for (int r = 1; r < rows.Length; r++)
        {
            for (int i = 0; i < facts.Length; i++)
            {
                if (rows[r][i] == rows[0][i]) continue;
                throw new InvalidOperationException(
                    $"The ranks of this data-parallel Fit disagree: rank {r} has {facts[i].What} = {Describe(rows[r][i])} where rank 0 has {Describe(rows[0][i])}. " +
                    "Every rank must call Fit with the same data and arguments.");
            }
        }
    }

    /// <summary>
    /// Shares every process's stop request: when a callback stopped training in any process, it stops in all of them
    /// (with that process's outcome); returns whether any process asked for an interruption (<paramref name="interrupt"/>).
    /// </summary>
    public static bool AgreeOnStop(DistributionStrategy strategy, Trainer model, bool interrupt)
    {
        double stop = model.StopTraining ? 1 + (int)model.StopOutcome : 0;
        var rows = Gather(strategy, stop, interrupt ? 1 : 0);
        if (!model.StopTraining)
        {
            for (int r = 0; r < rows.Length; r++)
            {
                if (rows[r][0] == 0) continue;
                model.RequestStop($"training was stopped on rank {r} of {rows.Length}", (TrainingOutcome)(int)(rows[r][0] - 1));
                break;
            }
        }
        return rows.Any(row => row[1] != 0);
    }

    private static string Describe(double value) => value < 0 ? "none" : value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
