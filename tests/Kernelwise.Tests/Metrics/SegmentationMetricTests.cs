using System.Text.Json.Nodes;
using Kernelwise.Models;
using static TorchSharp.torch;

namespace Kernelwise.Tests.Metrics;

/// <summary>Per-element metrics for masks — binary accuracy, binary IoU, mean IoU — against counts made by hand.</summary>
public class SegmentationMetricTests
{
    // Two 1×2×3 masks (targets) and logits; decisions at logit ≥ 0 (probability ≥ 0.5):
    //   image 0  target 1 1 0 / 0 0 0   logits  2 -1  3 / -2 -2 -0.5   predicted 1 0 1 / 0 0 0
    //   image 1  target 1 1 1 / 0 1 0   logits  1  1  1 / -1 -3 -1     predicted 1 1 1 / 0 0 0
    // Counts (target × predicted): TN = 5, FP = 1, FN = 2, TP = 4.
    // Foreground IoU = 4 / (4 + 1 + 2) = 4/7; background IoU = 5 / (5 + 2 + 1) = 5/8; accuracy = 9/12.
    private static readonly float[] Targets = { 1, 1, 0, 0, 0, 0, 1, 1, 1, 0, 1, 0 };
    private static readonly float[] Logits = { 2, -1, 3, -2, -2, -0.5f, 1, 1, 1, -1, -3, -1 };

    /// <summary>Feeds image 0, then image 1, as separate batches: logits [1, 1, 2, 3], masks [1, 2, 3] (no channel).</summary>
    private static double Run(Metric metric)
    {
        metric.Reset();
        for (int i = 0; i < 2; i++)
        {
            using var p = tensor(Logits.Skip(6 * i).Take(6).ToArray(), new long[] { 1, 1, 2, 3 });
            using var t = tensor(Targets.Skip(6 * i).Take(6).ToArray(), new long[] { 1, 2, 3 });
            metric.Update(p, t);
        }
        return metric.Result();
    }

    [Fact]
    public void Should_CountEveryPixel_When_BinaryIoUAccumulatesMasks()
    {
        var both = new BinaryIoU();
        Assert.Equal((4.0 / 7 + 5.0 / 8) / 2, Run(both), 12);
        Assert.Equal(new long[] { 5, 1, 2, 4 }, both.Counts);
        Assert.Equal(4.0 / 7, both.ClassIoU(1), 12);
        Assert.Equal(5.0 / 8, both.ClassIoU(0), 12);
        Assert.Equal("binary_iou", both.Name);

        var garment = new BinaryIoU(targetClassIds: new[] { 1 });
        Assert.Equal(4.0 / 7, Run(garment), 12);
        Assert.Equal("binary_iou_1", garment.Name);
        Assert.Equal(5.0 / 8, Run(new BinaryIoU(targetClassIds: new[] { 0 })), 12);
    }

    [Fact]
    public void Should_MoveTheDecision_When_TheThresholdIsAProbability()
    {
        // At probability 0.8 the logit cut is log 4 ≈ 1.386: only the logits 2 and 3 count as garment.
        // TP = 1 (the 2), FP = 1 (the 3), FN = 5, TN = 5: IoU = 1 / 7.
        var iou = new BinaryIoU(targetClassIds: new[] { 1 }, threshold: 0.8);
        Assert.Equal(1.0 / 7, Run(iou), 12);
        Assert.Equal(new long[] { 5, 1, 5, 1 }, iou.Counts);
    }

    [Fact]
    public void Should_ScoreEachPixel_When_BinaryAccuracyMeetsMasks()
    {
        var accuracy = new BinaryAccuracy();
        Assert.Equal(9.0 / 12, Run(accuracy), 12);
        Assert.Equal(9, accuracy.Correct);
        Assert.Equal(12, accuracy.Total);
        Assert.Equal("binary_accuracy", accuracy.Name);
    }

    [Fact]
    public void Should_RestoreTheCounts_When_StateIsSavedAndRestored()
    {
        var iou = new BinaryIoU();
        double expected = Run(iou);
        var copy = (BinaryIoU)iou.Clone();
        copy.SetState(iou.GetState()!);
        Assert.Equal(expected, copy.Result(), 12);
        var accuracy = new BinaryAccuracy();
        Run(accuracy);
        var restored = new BinaryAccuracy();
        restored.SetState(accuracy.GetState()!);
        Assert.Equal(9.0 / 12, restored.Result(), 12);
    }

    [Fact]
    public void Should_RoundTripTheirConfiguration_When_WrittenToAnArchive()
    {
        var serializer = new ConfigSerializer { Fail = m => new InvalidDataException(m) };
        foreach (var metric in new Metric[] { new BinaryAccuracy(0.3), new BinaryIoU(new[] { 0 }, 0.7), new MeanIoU(5) })
        {
            string text = serializer.Write(metric, metric.Name).ToJsonString();
            var rebuilt = serializer.Read<Metric>(JsonNode.Parse(text), metric.Name);
            Assert.Equal(metric.GetType(), rebuilt.GetType());
            Assert.Equal(text, serializer.Write(rebuilt, metric.Name).ToJsonString());
        }
        Assert.Equal("""{"type":"BinaryIoU","config":{"targetClassIds":[0],"threshold":0.7}}""", serializer.Write(new BinaryIoU(new[] { 0 }, 0.7), "m").ToJsonString());
    }

    [Fact]
    public void Should_NameBothShapes_When_PredictionsAndMasksDoNotLineUp()
    {
        using var p = zeros(2, 1, 4, 4);
        using var t = zeros(2, 4, 3);
        var e = Assert.Throws<ArgumentException>(() => new BinaryIoU().Update(p, t));
        Assert.StartsWith("BinaryIoU expects targets of the same shape as the predictions (or without their channel dimension of size 1); received predictions [2, 1, 4, 4] and targets [2, 4, 3].", e.Message);
        var a = Assert.Throws<ArgumentException>(() => new BinaryAccuracy().Update(p, t));
        Assert.StartsWith("BinaryAccuracy expects targets", a.Message);
    }

    [Fact]
    public void Should_RefuseClassesOtherThanZeroAndOne_When_BinaryIoUIsConfigured()
    {
        var e = Assert.Throws<ArgumentException>(() => new BinaryIoU(targetClassIds: new[] { 2 }));
        Assert.StartsWith("Invalid value for argument targetClassIds. Expected [0], [1] or [0, 1]. Received [2].", e.Message);
        var t = Assert.Throws<ArgumentOutOfRangeException>(() => new BinaryIoU(threshold: 1));
        Assert.StartsWith("Invalid value for argument threshold. Expected a probability strictly between 0 and 1. Received threshold=1.", t.Message);
    }

    // Three classes over 2×4 pixels of one image, fed as two batches of one image each:
    //   image 0  target 0 0 1 1 / 2 2 2 0   predicted 0 1 1 1 / 2 0 2 0
    //   image 1  target 1 1 1 1 / 1 1 1 1   predicted 1 1 1 1 / 1 1 1 2
    // Counts (target × predicted): [2 1 0] [0 9 1] [1 0 2].
    // IoU: class 0: 2 / (3 + 3 − 2) = 2/4; class 1: 9 / (10 + 10 − 9) = 9/11; class 2: 2 / (3 + 3 − 2) = 2/4.
    private static Tensor Scores(int[] classes, int numClasses)
    {
        var s = new float[numClasses * classes.Length];
        for (int i = 0; i < classes.Length; i++) s[classes[i] * classes.Length + i] = 1; // [C, H·W] for one image
        return tensor(s, new long[] { 1, numClasses, 2, 4 });
    }

    [Fact]
    public void Should_AverageTheClassesIoU_When_MeanIoUAccumulatesLabelMaps()
    {
        var iou = new MeanIoU(3);
        using (var p = Scores(new[] { 0, 1, 1, 1, 2, 0, 2, 0 }, 3)) using (var t = tensor(new long[] { 0, 0, 1, 1, 2, 2, 2, 0 }, new long[] { 1, 2, 4 })) iou.Update(p, t);
        using (var p = Scores(new[] { 1, 1, 1, 1, 1, 1, 1, 2 }, 3)) using (var t = ones(new long[] { 1, 2, 4 }, ScalarType.Int64)) iou.Update(p, t);
        Assert.Equal((2.0 / 4 + 9.0 / 11 + 2.0 / 4) / 3, iou.Result(), 12);
        Assert.Equal(0.5, iou.ClassIoU(2), 12);
        Assert.Equal("mean_iou", iou.Name);
        var copy = new MeanIoU(3);
        copy.SetState(iou.GetState()!);
        Assert.Equal(iou.Result(), copy.Result(), 12);
    }

    [Fact]
    public void Should_LeaveOutAClass_When_ItIsNeitherPresentNorPredicted()
    {
        var iou = new MeanIoU(4);
        using var p = Scores(new[] { 0, 1, 1, 1, 0, 0, 0, 0 }, 4);
        using var t = tensor(new long[] { 0, 1, 1, 0, 0, 0, 0, 0 }, new long[] { 1, 2, 4 });
        iou.Update(p, t);
        // Class 0: 5 / (6 + 5 − 5) = 5/6; class 1: 2 / (2 + 3 − 2) = 2/3; classes 2 and 3 absent.
        Assert.Equal((5.0 / 6 + 2.0 / 3) / 2, iou.Result(), 12);
        Assert.True(double.IsNaN(iou.ClassIoU(3)));
    }

    [Fact]
    public void Should_NameTheCount_When_TargetsAreNotClasses()
    {
        var iou = new MeanIoU(3);
        using var p = Scores(new[] { 0, 1, 1, 1, 2, 0, 2, 0 }, 3);
        using var t = tensor(new long[] { 0, 0, 3, 1, 2, -1, 2, 0 }, new long[] { 1, 2, 4 });
        iou.Update(p, t); // no wait for the device here: checked when the result is read
        var e = Assert.Throws<InvalidOperationException>(() => iou.Result());
        Assert.Equal("MeanIoU with 3 classes received 2 target elements outside [0, 2]; targets must be class indices.", e.Message);
        using var transposed = zeros(new long[] { 1, 4, 2 }, ScalarType.Int64);
        var shape = Assert.Throws<ArgumentException>(() => new MeanIoU(3).Update(p, transposed));
        Assert.StartsWith("MeanIoU with 3 classes expects predictions [batch, 3, ...] and class-index targets [batch, ...] without the class dimension; received predictions [1, 3, 2, 4] and targets [1, 4, 2].", shape.Message);
    }
}
