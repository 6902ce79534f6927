using Kernelwise;
using static TorchSharp.torch;
using Kernelwise.Models;

namespace Kernelwise.Tests.Metrics;

/// <summary>Metrics against confusion matrices computed by hand.</summary>
public class MetricTests
{
    // targets    0 0 1 1 2 2 2
    // predicted  0 1 1 1 2 0 2
    // confusion (actual × predicted):   [1 1 0]
    //                                   [0 2 0]
    //                                   [1 0 2]
    private static readonly long[] Targets = { 0, 0, 1, 1, 2, 2, 2 };
    private static readonly int[] Predicted = { 0, 1, 1, 1, 2, 0, 2 };

    private static Tensor Scores(IEnumerable<int> predicted, int classes)
    {
        var p = predicted.ToArray();
        var s = new float[p.Length * classes];
        for (int i = 0; i < p.Length; i++) s[i * classes + p[i]] = 1f;
        return tensor(s, new long[] { p.Length, classes });
    }

    /// <summary>Feeds the samples in two batches of different sizes (3 and 4), so averaging batch results would be wrong.</summary>
    private static double Run(Metric metric, int classes = 3)
    {
        metric.Reset();
        using (var s = Scores(Predicted.Take(3), classes)) using (var t = tensor(Targets.Take(3).ToArray())) metric.Update(s, t);
        using (var s = Scores(Predicted.Skip(3), classes)) using (var t = tensor(Targets.Skip(3).ToArray())) metric.Update(s, t);
        return metric.Result();
    }

    [Fact]
    public void Should_CountPairs_When_BuildingTheConfusionMatrix()
    {
        var m = new ConfusionMatrix(3);
        using (var s = Scores(Predicted, 3)) using (var t = tensor(Targets)) m.Update(s, t);
        Assert.Equal(new long[,] { { 1, 1, 0 }, { 0, 2, 0 }, { 1, 0, 2 } }, m.ToArray());
        Assert.Equal(7, m.Total);
        Assert.Equal(5 / 7.0, m.Accuracy, 12);
    }

    [Fact]
    public void Should_MatchHandComputedMacroAverages_When_BatchesDifferInSize()
    {
        // precision: 1/2, 2/3, 2/2;  recall: 1/2, 2/2, 2/3;  F1 = 2TP/(2TP+FP+FN): 2/4, 4/5, 4/5.
        Assert.Equal((0.5 + 2 / 3.0 + 1) / 3, Run(new Precision()), 12);
        Assert.Equal((0.5 + 1 + 2 / 3.0) / 3, Run(new Recall()), 12);
        Assert.Equal((0.5 + 0.8 + 0.8) / 3, Run(new F1Score()), 12);
        Assert.Equal(5 / 7.0, Run(new Accuracy()), 12);
    }

    [Fact]
    public void Should_LeaveOutClassesThatNeverOccur_When_MacroAveraging()
    {
        // The same samples with a fourth output class that is neither a target nor predicted.
        Assert.Equal((0.5 + 2 / 3.0 + 1) / 3, Run(new Precision(), classes: 4), 12);
        Assert.Equal((0.5 + 0.8 + 0.8) / 3, Run(new F1Score(), classes: 4), 12);
    }

    [Fact]
    public void Should_ScoreThePositiveClass_When_TheModelHasOneBinaryOutput()
    {
        // logits > 0 → predicted 1.  targets 1 1 1 0 0;  predicted 1 0 1 1 0 → TP 2, FN 1, FP 1.
        using var logits = tensor(new float[] { 2f, -1f, 0.5f, 3f, -2f }, new long[] { 5, 1 });
        using var targets = tensor(new float[] { 1, 1, 1, 0, 0 });
        var precision = new Precision();
        var recall = new Recall();
        precision.Update(logits, targets);
        recall.Update(logits, targets);
        Assert.Equal(2 / 3.0, precision.Result(), 12);
        Assert.Equal(2 / 3.0, recall.Result(), 12);
    }

    [Fact]
    public void Should_CountTargetsAmongTheTopK_When_TopKAccuracy()
    {
        using var scores = tensor(new float[]
        {
            0.1f, 0.5f, 0.3f, 0.1f, // order 1,2,0|3 → target 2 is 2nd
            0.7f, 0.1f, 0.1f, 0.1f, // target 3 not in top 2
            0.2f, 0.3f, 0.4f, 0.1f, // target 1 is 2nd
        }, new long[] { 3, 4 });
        using var targets = tensor(new long[] { 2, 3, 1 });
        var top2 = new TopKAccuracy(2);
        top2.Update(scores, targets);
        Assert.Equal("top_2_accuracy", top2.Name);
        Assert.Equal(2 / 3.0, top2.Result(), 12);
        var top1 = new TopKAccuracy(1);
        top1.Update(scores, targets);
        Assert.Equal(0, top1.Result());
    }

    [Fact]
    public void Should_RoundTripCounts_When_StateIsSavedAndRestored()
    {
        var f1 = new F1Score();
        Run(f1);
        var copy = new F1Score();
        copy.SetState(f1.GetState()!);
        Assert.Equal(f1.Result(), copy.Result());
    }

    [Theory]
    [InlineData(3)]
    [InlineData(1)]
    public void Should_EqualOneMetricOverAllBatches_When_StatesOfSeveralProcessesAreSummed(int outputs)
    {
        // Data-parallel training sums each process's state element-wise and restores the sum: the class count and the
        // binary flag must survive the sum, and a process that saw nothing contributes zeros.
        bool binary = outputs == 1;
        Tensor Scores_(int part) => binary
            ? tensor(part == 0 ? new float[] { 2f, -1f, 0.5f } : new float[] { 3f, -2f }, new long[] { part == 0 ? 3 : 2, 1 })
            : Scores(part == 0 ? Predicted.Take(3) : Predicted.Skip(3), 3);
        Tensor Targets_(int part) => binary
            ? tensor(part == 0 ? new float[] { 1, 1, 1 } : new float[] { 0, 0 })
            : tensor(part == 0 ? Targets.Take(3).ToArray() : Targets.Skip(3).ToArray());

        foreach (Func<Metric> make in new Func<Metric>[] { () => new F1Score(), () => new Precision(), () => new Accuracy() })
        {
            if (binary && make() is Accuracy) continue;
            var whole = make();
            var parts = new[] { make(), make() };
            for (int part = 0; part < 2; part++)
            {
                using var s = Scores_(part);
                using var t = Targets_(part);
                whole.Update(s, t);
                parts[part].Update(s, t);
            }
            var a = parts[0].GetState()!;
            var b = parts[1].GetState()!;
            var summed = make();
            summed.SetState(a.Zip(b, (x, y) => x + y).ToArray());
            Assert.Equal(whole.Result(), summed.Result(), 12);

            // A third process without samples: its state is empty (a confusion matrix) or zeros, and adds nothing.
            var idle = make().GetState()!;
            var padded = idle.Length == 0 ? new double[a.Length] : idle;
            var withIdle = make();
            withIdle.SetState(a.Zip(b, (x, y) => x + y).Zip(padded, (x, y) => x + y).ToArray());
            Assert.Equal(whole.Result(), withIdle.Result(), 12);
        }
    }

    [Fact]
    public void Should_NameTheClass_When_ATargetIsOutOfRange()
    {
        var m = new ConfusionMatrix(3);
        using var s = Scores(new[] { 0 }, 3);
        using var t = tensor(new long[] { 5 });
        var e = Assert.Throws<ArgumentException>(() => m.Update(s, t));
        Assert.StartsWith("ConfusionMatrix has 3 classes but received target class 5; targets must lie in [0, 2].", e.Message);
    }

    [Fact]
    public void Should_MatchCountsAndF1ComputedByHand_When_ComputedForAModel()
    {
        manual_seed(7);
        using var data = SyntheticData.Blocks(50, seed: 7);
        using var model = TrainingHelpers.PlainNet().Build(ComputeDevice.Cpu).Compile(new Kernelwise.Adam(0.01), new Kernelwise.CrossEntropy(), new Accuracy(), new F1Score());
        model.Fit(data, epochs: 1, batchSize: 16, seed: 7, verbose: 0);
        var m = model.ConfusionMatrix(data, batchSize: 13);
        var result = model.Evaluate(data, batchSize: 7);

        // By hand, from the model's outputs: the predicted class is the largest score; count, then F1 per class.
        using var scores = model.Predict(data, batchSize: 50);
        var targets = data.Targets.data<long>().ToArray();
        int classes = (int)scores.shape[1];
        var counts = new long[classes, classes];
        for (int i = 0; i < targets.Length; i++)
        {
            var row = scores[i].data<float>().ToArray();
            counts[targets[i], Array.IndexOf(row, row.Max())]++;
        }
        double f1Sum = 0, correct = 0;
        int present = 0;
        for (int c = 0; c < classes; c++)
        {
            long tp = counts[c, c], fn = 0, fp = 0;
            for (int k = 0; k < classes; k++)
            {
                if (k == c) continue;
                fn += counts[c, k];
                fp += counts[k, c];
            }
            correct += tp;
            if (tp + fn + fp == 0) continue;
            present++;
            f1Sum += 2.0 * tp / (2 * tp + fp + fn);
        }
        double f1 = f1Sum / present, accuracy = correct / targets.Length;
        Assert.True(Math.Abs(f1 - accuracy) > 1e-4, $"the case cannot tell macro F1 ({f1}) from accuracy ({accuracy}); pick another seed");

        Assert.Equal(counts, m.ToArray());
        Assert.Equal(accuracy, m.Accuracy, 12);
        Assert.Equal(accuracy, result["accuracy"], 12);
        Assert.Equal(f1, m.MacroF1, 12);
        Assert.Equal(f1, result["f1_score"], 12);
    }
}
