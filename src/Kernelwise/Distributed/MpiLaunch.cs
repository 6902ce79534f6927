using System.Collections;
using System.Globalization;

namespace Kernelwise.Distributed;

/// <summary>
/// How an MPI launcher started this process, read from the variables it sets: Open MPI's <c>mpirun</c>
/// (<c>OMPI_COMM_WORLD_RANK</c>/<c>OMPI_COMM_WORLD_SIZE</c>), MPICH's Hydra or Slurm's PMI-2
/// (<c>PMI_RANK</c>/<c>PMI_SIZE</c>), or a PMIx launcher such as <c>srun --mpi=pmix</c> (<c>PMIX_RANK</c>; the size
/// is then known only once MPI starts). A process with none of them was not launched by MPI.
/// </summary>
/// <param name="Rank">This process's rank as the launcher sees it.</param>
/// <param name="Size">The number of processes, when the launcher says so.</param>
/// <param name="Source">The variable the rank was read from, e.g. <c>OMPI_COMM_WORLD_RANK</c>.</param>
public sealed record MpiLaunch(int Rank, int? Size, string Source)
{
    /// <summary>Reads this process's environment; null when no MPI launcher started it.</summary>
    public static MpiLaunch? Detect() => Detect(Environment.GetEnvironmentVariables());

    /// <summary>Reads <paramref name="environment"/> (variable name → value); null when it names no MPI launch.</summary>
    /// <exception cref="InvalidOperationException">A variable is present but is not a valid rank or size.</exception>
    public static MpiLaunch? Detect(IDictionary environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        foreach (var (rankVar, sizeVar) in new[] { ("OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE"), ("PMI_RANK", "PMI_SIZE"), ("PMIX_RANK", null as string) })
        {
            if (environment[rankVar] is not string rankText) continue;
            int rank = Parse(rankVar, rankText, minimum: 0);
            int? size = sizeVar is not null && environment[sizeVar] is string sizeText ? Parse(sizeVar, sizeText, minimum: 1) : null;
            if (size is int s && rank >= s)
                throw new InvalidOperationException($"The MPI launch variables disagree: {rankVar}={rank} is not below {sizeVar}={s}.");
            return new MpiLaunch(rank, size, rankVar);
        }
        return null;
    }

    private static int Parse(string name, string text, int minimum)
    {
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value >= minimum) return value;
        throw new InvalidOperationException(
            $"The environment variable {name} is set to '{text}', which is not an integer of {minimum} or more. " +
            "It is set by MPI launchers (mpirun, srun); unset it to run as a single process.");
    }
}
