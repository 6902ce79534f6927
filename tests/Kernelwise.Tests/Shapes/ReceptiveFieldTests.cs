using Kernelwise.Layers;
using Kernelwise.Shapes;

namespace Kernelwise.Tests.Shapes;

public class ReceptiveFieldTests
{
    private static readonly Shape Image = new(3, 32, 32);

    [Fact]
    public void Should_AddTheDilatedSpanTimesTheJumpAndMultiplyTheJump_When_AWindowFollows()
    {
        var window = new SpatialWindow(new[] { 3, 5 }, new[] { 2, 1 }, new[] { 1, 2 }, new[] { 1, 4 });
        var (field, jump) = ReceptiveField.Propagate(new[] { 4, 4 }, new[] { 2, 2 }, Image, new Shape(8, 16, 32), window);
        Assert.Equal(new[] { 4 + 2 * 2, 4 + 8 * 2 }, field);
        Assert.Equal(new[] { 4, 2 }, jump);
    }

    [Fact]
    public void Should_KeepBoth_When_TheLayerHasNoWindowAndKeepsTheRank()
    {
        var (field, jump) = ReceptiveField.Propagate(new[] { 5, 5 }, new[] { 2, 2 }, Image, Image, null);
        Assert.Equal(new[] { 5, 5 }, field);
        Assert.Equal(new[] { 2, 2 }, jump);
    }

    [Fact]
    public void Should_EndBoth_When_TheOutputIsNoLongerSpatialOrTheWindowIsIrregular()
    {
        Assert.Equal((null, null), ReceptiveField.Propagate(new[] { 5, 5 }, new[] { 2, 2 }, Image, new Shape(3072), null));
        Assert.Equal((null, null), ReceptiveField.Propagate(new[] { 5, 5 }, new[] { 2, 2 }, Image, new Shape(3, 64, 64), SpatialWindow.Irregular(2)));
        Assert.Equal((null, null), ReceptiveField.Propagate(new[] { 5, 5 }, new[] { 2, 2 }, new Shape(10), new Shape(10), null));
        Assert.Equal((null, null), ReceptiveField.Propagate(null, null, Image, Image, null));
    }
}
