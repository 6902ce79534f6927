// libtorch's random generator and thread pool are process-wide: tests that seed it (reproducibility, resume) would
// see other tests' draws if classes ran in parallel. libtorch already uses every core inside each operation.
[assembly: Xunit.v3.Parallelization(Mode = Xunit.Sdk.ParallelMode.None)]
