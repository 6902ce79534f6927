using Kernelwise.Training;
using Kernelwise.Formats;
using Kernelwise;
using Kernelwise.Layers;
using Kernelwise.Models;
using static Kernelwise.Tests.TrainingHelpers;
using static TorchSharp.torch;

namespace Kernelwise.Tests.Training;

public sealed class TrainingCheckpointTests : IDisposable
{
    private readonly string _dir = TempDir("kw-ckpt-");

    public void Dispose() => Directory.Delete(_dir, true);

    /// <summary>Batch norm, dropout, Adam, a per-batch schedule, early stopping and plateau state: everything a resume must carry.</summary>
    private static Model Compiled(int initSeed)
    {
        manual_seed(initSeed);
        return NoisyNet().Build(ComputeDevice.Cpu).Compile(new Adam(0.01), new CrossEntropy(), new Accuracy(), new F1Score());
    }

    private static Callback[] Stateful() => new Callback[]
    {
        new LearningRateScheduler(new CosineAnnealing(totalSteps: 16, warmupSteps: 3, interval: ScheduleInterval.Step)),
        new LearningRateScheduler(new ReduceOnPlateau("loss", factor: 0.5, patience: 0)),
        new EarlyStopping("loss", patience: 10, restoreBestWeights: true),
    };

    private static void AssertSameHistory(History expected, History actual)
    {
        Assert.Equal(expected.Epochs, actual.Epochs);
        foreach (var k in expected.Keys) Assert.Equal(expected[k], actual[k]);
    }

    [Fact]
    public void Should_EndBitIdentical_When_ResumedFromAnEpochCheckpoint()
    {
        using var data = SyntheticData.Blocks(64, seed: 61);
        using var val = SyntheticData.Blocks(16, seed: 62);
        string pattern = Path.Combine(_dir, "epoch{epoch}.kwckpt");
        // No seed: the data order and dropout come from state the checkpoint must carry.
        using var original = Compiled(initSeed: 1);
        original.Fit(data, epochs: 4, batchSize: 16, validationData: val, callbacks: Stateful().Append(new ModelCheckpoint(pattern)), verbose: 0);
        using var expected = Weights(original);

        using var resumed = Compiled(initSeed: 2);
        resumed.Fit(data, epochs: 4, batchSize: 16, validationData: val, callbacks: Stateful(), resumeFrom: Path.Combine(_dir, "epoch2.kwckpt"), verbose: 0);
        using var actual = Weights(resumed);
        Assert.True(BitIdentical(expected, actual), $"max difference {(expected - actual).abs().max().item<double>()}");
        AssertSameHistory(original.History, resumed.History);
    }

    [Fact]
    public void Should_EndBitIdentical_When_InterruptedMidEpochAndResumed()
    {
        using var data = SyntheticData.Blocks(80, seed: 63);
        using var uninterrupted = Compiled(initSeed: 3);
        uninterrupted.Fit(data, epochs: 3, batchSize: 16, seed: 5, callbacks: Stateful(), verbose: 0);
        using var expected = Weights(uninterrupted);

        string path = Path.Combine(_dir, "interrupted.kwckpt");
        using var cts = new CancellationTokenSource();
        using var interrupted = Compiled(initSeed: 3);
        var save = new SaveOnInterrupt(path, handleCtrlC: false);
        var cancelAfter = new LambdaCallback(onTrainBatchEnd: (batch, _) => { if (interrupted.History.Epochs.Count == 1 && batch == 2) cts.Cancel(); });
        var history = interrupted.Fit(data, epochs: 3, batchSize: 16, seed: 5, callbacks: Stateful().Append(cancelAfter).Append(save), cancellationToken: cts.Token, verbose: 0);
        Assert.Equal(new[] { 0 }, history.Epochs);
        Assert.Equal(path, save.SavedPath);
        using (var c = TrainingCheckpoint.Read(path))
        {
            Assert.Equal(1, c.Epoch);
            Assert.Equal(3, c.BatchesDone);
        }

        using var resumed = Compiled(initSeed: 4);
        resumed.Fit(data, epochs: 3, batchSize: 16, seed: 5, callbacks: Stateful(), resumeFrom: path, verbose: 0);
        using var actual = Weights(resumed);
        Assert.True(BitIdentical(expected, actual), $"max difference {(expected - actual).abs().max().item<double>()}");
        AssertSameHistory(uninterrupted.History, resumed.History);
    }

    [Fact]
    public void Should_SaveAnEpochBoundary_When_InterruptedDuringTheLastBatch()
    {
        using var data = SyntheticData.Blocks(32, seed: 67);
        using var model = Compiled(initSeed: 8);
        using var cts = new CancellationTokenSource();
        var save = new SaveOnInterrupt(Path.Combine(_dir, "stop-{epoch}.kwckpt"), handleCtrlC: false);
        var cancel = new LambdaCallback(onTrainBatchEnd: (batch, _) => { if (batch == 1) cts.Cancel(); });
        var history = model.Fit(data, epochs: 3, batchSize: 16, callbacks: new Callback[] { cancel, save }, cancellationToken: cts.Token, verbose: 0);
        Assert.Equal(new[] { 0 }, history.Epochs);
        Assert.Equal(Path.Combine(_dir, "stop-1.kwckpt"), save.SavedPath);
        using var c = TrainingCheckpoint.Read(save.SavedPath!);
        Assert.Equal(1, c.Epoch);
        Assert.Equal(0, c.BatchesDone);
    }

    private string WriteOne(string name)
    {
        using var data = SyntheticData.Blocks(16, seed: 64);
        using var model = Compiled(initSeed: 5);
        var checkpoint = new ModelCheckpoint(Path.Combine(_dir, name));
        model.Fit(data, epochs: 1, batchSize: 16, callbacks: new[] { checkpoint }, verbose: 0);
        return checkpoint.Saved.Single();
    }

    [Fact]
    public void Should_NameTheFile_When_CheckpointIsTruncated()
    {
        string good = WriteOne("good.kwckpt");
        string bad = Path.Combine(_dir, "truncated.kwckpt");
        var bytes = File.ReadAllBytes(good);
        File.WriteAllBytes(bad, bytes.Take(bytes.Length / 2).ToArray());
        var e = Assert.Throws<CheckpointException>(() => TrainingCheckpoint.Read(bad));
        Assert.StartsWith($"Checkpoint '{bad}' is truncated: its header announces {bytes.Length - 60} payload bytes but only {bytes.Length / 2 - 60} follow.", e.Message);
        Assert.Equal(bad, e.FilePath);
        File.WriteAllBytes(bad, bytes.Take(30).ToArray());
        Assert.Contains("is truncated: 30 bytes, shorter than the 60-byte header", Assert.Throws<CheckpointException>(() => TrainingCheckpoint.Read(bad)).Message);
    }

    [Fact]
    public void Should_DetectAFlippedByte_When_ChecksumDoesNotMatch()
    {
        string good = WriteOne("good.kwckpt");
        string bad = Path.Combine(_dir, "flipped.kwckpt");
        var bytes = File.ReadAllBytes(good);
        bytes[bytes.Length - 100] ^= 0x01;
        File.WriteAllBytes(bad, bytes);
        var e = Assert.Throws<CheckpointException>(() => TrainingCheckpoint.Read(bad));
        Assert.Equal($"Checkpoint '{bad}' is corrupt: the SHA-256 checksum of its contents does not match the one recorded in its header.", e.Message);
        Assert.False(TrainingCheckpoint.Verify(bad, out var problem));
        Assert.Equal(e.Message, problem);
        Assert.True(TrainingCheckpoint.Verify(good, out _));
    }

    [Fact]
    public void Should_SayItIsNotACheckpoint_When_FileIsSomethingElse()
    {
        string other = Path.Combine(_dir, "weights.kwckpt");
        File.WriteAllText(other, "hello, not a checkpoint");
        var e = Assert.Throws<CheckpointException>(() => TrainingCheckpoint.Read(other));
        Assert.StartsWith($"'{other}' is not a Kernelwise checkpoint", e.Message);
    }

    [Fact]
    public void Should_SkipDamagedFiles_When_FindingTheLatest()
    {
        string good = WriteOne("a-good.kwckpt");
        File.WriteAllBytes(Path.Combine(_dir, "z-newer-but-truncated.kwckpt"), File.ReadAllBytes(good).Take(200).ToArray());
        File.WriteAllBytes(Path.Combine(_dir, ".z.kwckpt.123.abc.tmp"), new byte[10]);
        Assert.Equal(good, TrainingCheckpoint.FindLatest(_dir));
        Assert.Null(TrainingCheckpoint.FindLatest(Path.Combine(_dir, "missing")));
    }

    [Fact]
    public void Should_RefuseAndKeepTheModel_When_ResumingFromACorruptFile()
    {
        string good = WriteOne("good.kwckpt");
        string bad = Path.Combine(_dir, "bad.kwckpt");
        var bytes = File.ReadAllBytes(good);
        bytes[^1] ^= 0xff;
        File.WriteAllBytes(bad, bytes);
        using var data = SyntheticData.Blocks(16, seed: 65);
        using var model = Compiled(initSeed: 6);
        using var before = Weights(model);
        var e = Assert.Throws<CheckpointException>(() => model.Fit(data, epochs: 3, resumeFrom: bad, verbose: 0));
        Assert.Contains($"'{bad}' is corrupt", e.Message);
        using var after = Weights(model);
        Assert.True(BitIdentical(before, after));
    }

    [Fact]
    public void Should_ListMismatchedTensors_When_ResumingIntoAnotherArchitecture()
    {
        string good = WriteOne("good.kwckpt");
        manual_seed(7);
        using var other = PlainNet().Build(ComputeDevice.Cpu).Compile(new Adam(0.01), new CrossEntropy());
        using var data = SyntheticData.Blocks(16, seed: 66);
        var e = Assert.Throws<CheckpointException>(() => other.Fit(data, epochs: 3, resumeFrom: good, verbose: 0));
        Assert.StartsWith($"Could not load weights from '{good}' into model 'plain':", e.Message);
        Assert.Contains("unexpected (", e.Message);
        Assert.Contains("batch_normalization.running_mean", e.Message);
        Assert.Contains("conv2d.weight: file has [8, 1, 3, 3], model expects [4, 1, 3, 3]", e.Message);
    }

    [Fact]
    public void Should_KeepThePreviousFile_When_AWriteFailsHalfway()
    {
        string path = Path.Combine(_dir, "last.kwckpt");
        File.WriteAllText(path, "previous");
        Assert.Throws<IOException>(() => AtomicFile.Write(path, s =>
        {
            s.Write(new byte[1000]);
            throw new IOException("disk full");
        }));
        Assert.Equal("previous", File.ReadAllText(path));
        Assert.Equal(new[] { path }, Directory.GetFiles(_dir));
    }
}
