using Kernelwise.Tests;

// Usage: Kernelwise.CheckpointProbe <checkpoint folder>
// Trains the probe run for a very long time, writing a training checkpoint after every epoch (one file per epoch
// and a rolling last.kwckpt), until it is killed.
if (args.Length != 1)
{
    Console.Error.WriteLine("Usage: Kernelwise.CheckpointProbe <checkpoint folder>");
    return 2;
}
Console.WriteLine("started");
ProbeRun.Train(args[0], epochs: 100_000, resumeFrom: null);
return 0;
