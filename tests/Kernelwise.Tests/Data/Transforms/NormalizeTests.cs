using Kernelwise.Data;

namespace Kernelwise.Tests.Data.Transforms;

public class NormalizeTests
{
    [Fact]
    public void Should_SubtractTheMeanAndDivideByTheStdPerChannel_When_Applied()
    {
        var values = new float[] { 0.5f, 1f, 0f, 0.25f }; // 2 channels of 1×2
        new Normalize(new[] { 0.5, 0.25 }, new[] { 0.5, 0.25 }).Apply(values, 2, 1, 2, new TransformRandom(0));
        Assert.Equal(new[] { 0f, 1f, -1f, 0f }, values);
    }

    [Fact]
    public void Should_ApplyOneValueToEveryChannel_When_GivenOne()
    {
        var values = new float[] { 1f, 0f, 0.5f };
        new Normalize(new[] { 0.5 }, new[] { 0.5 }).Apply(values, 3, 1, 1, new TransformRandom(0));
        Assert.Equal(new[] { 1f, -1f, 0f }, values);
    }

    [Fact]
    public void Should_ExplainTheMismatch_When_ChannelsDoNotMatch()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new Normalize(new[] { 0.1, 0.2, 0.3 }, new[] { 1.0, 1.0, 1.0 }).Apply(new float[4], 1, 2, 2, new TransformRandom(0)));
        Assert.Contains("received an image with 1 channel(s)", error.Message);
        Assert.Contains("Received std=[1, 0]", Assert.Throws<ArgumentOutOfRangeException>(() => new Normalize(new[] { 0.0, 0.0 }, new[] { 1.0, 0.0 })).Message);
    }
}
