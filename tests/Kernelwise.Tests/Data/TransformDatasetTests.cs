using Kernelwise.Data;
using static TorchSharp.torch;

namespace Kernelwise.Tests.Data;

public class TransformDatasetTests
{
    private static TensorDataset Images(int n, int channels, int size)
    {
        var values = arange(n * channels * size * size, dtype: ScalarType.Float32).remainder(256).div(255);
        return new TensorDataset(values.reshape(n, channels, size, size), arange(n, dtype: ScalarType.Int64));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Should_ReproduceTheInputsExactly_When_ThePipelineIsEmpty(int channels)
    {
        using var data = Images(3, channels, 5);
        Assert.Same(data, data.WithTransform(new TransformPipeline()));
        var plain = new TransformDataset(data, new TransformPipeline()); // the 8-bit round trip on its own
        using var batch = plain.GetBatch(new long[] { 2, 0 });
        using var expected = data.Inputs.index_select(0, tensor(new long[] { 2, 0 }));
        Assert.True(batch.Inputs.allclose(expected, atol: 1e-6));
        Assert.Equal(new long[] { 2, 0 }, batch.Targets.data<long>().ToArray());
    }

    [Fact]
    public void Should_AugmentLikeCifar_When_CroppingWithPaddingAndFlipping()
    {
        using var data = Images(8, 3, 8);
        var augmented = data.WithTransform(new TransformPipeline().RandomCrop(8, padding: 2).RandomHorizontalFlip().ToTensor().Normalize(new[] { 0.5 }, new[] { 0.5 }));
        Assert.True(augmented.LoaderOptions.NumWorkers >= 1);
        var one = new List<(Tensor Inputs, Tensor Targets)>();
        var two = new List<Tensor>();
        foreach (var b in new DataLoader(augmented, batchSize: 3, shuffle: true, seed: 4, numWorkers: 1)) { one.Add((b.Inputs.clone(), b.Targets.clone())); b.Dispose(); }
        foreach (var b in new DataLoader(augmented, batchSize: 3, shuffle: true, seed: 4, numWorkers: 2)) { two.Add(b.Inputs.clone()); b.Dispose(); }
        Assert.Equal(new long[] { 3, 3, 8, 8 }, one[0].Inputs.shape);
        for (int i = 0; i < one.Count; i++) Assert.True(one[i].Inputs.equal(two[i]).all().item<bool>());

        // Every output is one of the 5 × 5 crops of the source padded with 2 black pixels, mirrored or not, then
        // normalised — and the draws differ: not every image comes out as it went in (offset (2, 2), no mirror).
        var draws = new List<(int Dy, int Dx, bool Mirrored)>();
        foreach (var (inputs, targets) in one)
        {
            for (int k = 0; k < inputs.shape[0]; k++)
            {
                long index = targets[k].item<long>();
                using var padded = nn.functional.pad(data.Inputs[index], new long[] { 2, 2, 2, 2 });
                (int, int, bool)? found = null;
                for (int dy = 0; dy <= 4 && found is null; dy++)
                    for (int dx = 0; dx <= 4 && found is null; dx++)
                        foreach (bool mirrored in new[] { false, true })
                        {
                            using var crop = padded[.., dy..(dy + 8), dx..(dx + 8)];
                            using var candidate = (mirrored ? crop.flip(2) : crop.clone()).sub(0.5).div(0.5);
                            if (candidate.allclose(inputs[k], rtol: 0, atol: 1e-5)) { found = (dy, dx, mirrored); break; }
                        }
                Assert.True(found is not null, $"sample {index} is not a padded crop (mirrored or not) of its source");
                draws.Add(found!.Value);
            }
        }
        Assert.Equal(8, draws.Count);
        Assert.True(draws.Distinct().Count() >= 4, $"only {draws.Distinct().Count()} distinct crops and mirrors among 8 samples");
        Assert.Contains(draws, d => d != (2, 2, false));
        Assert.Contains(draws, d => d.Mirrored);
        Assert.Contains(draws, d => !d.Mirrored);
        foreach (var t in one.SelectMany(p => new[] { p.Inputs, p.Targets }).Concat(two)) t.Dispose();
    }

    [Fact]
    public void Should_ExplainTheExpectedShape_When_InputsAreNotImages()
    {
        using var data = new TensorDataset(zeros(4, 10), arange(4, dtype: ScalarType.Int64));
        var error = Assert.Throws<InvalidOperationException>(() => data.WithTransform(new TransformPipeline().RandomHorizontalFlip()).GetBatch(new long[] { 0 }));
        Assert.Contains("[N, C, H, W] with C = 1, 3 or 4", error.Message);
        Assert.Contains("[1, 10]", error.Message);
    }
}
