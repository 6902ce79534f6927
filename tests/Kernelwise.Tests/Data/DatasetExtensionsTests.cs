using Kernelwise.Data;
using static TorchSharp.torch;

namespace Kernelwise.Tests.Data;

public class DatasetExtensionsTests
{
    public class RandomSplit
    {
        [Fact]
        public void Should_PartitionAllSamplesReproducibly_When_GivenLengths()
        {
            using var data = new TensorDataset(zeros(10, 1), arange(10, dtype: ScalarType.Int64));
            var parts = data.RandomSplit(new long[] { 6, 4 }, seed: 1);
            Assert.Equal(new long[] { 6, 4 }, parts.Select(p => p.Count));
            Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), parts.SelectMany(p => p.Indices).Order());
            Assert.Equal(parts[1].Indices, data.RandomSplit(new long[] { 6, 4 }, seed: 1)[1].Indices);
            Assert.NotEqual(parts[1].Indices, data.RandomSplit(new long[] { 6, 4 }, seed: 2)[1].Indices);
        }

        [Fact]
        public void Should_DealTheRemainderRoundRobin_When_GivenFractions()
        {
            using var data = new TensorDataset(zeros(11, 1), arange(11, dtype: ScalarType.Int64));
            var parts = data.RandomSplit(new[] { 0.5, 0.3, 0.2 }, seed: 0);
            Assert.Equal(new long[] { 6, 3, 2 }, parts.Select(p => p.Count)); // floor: 5, 3, 2; one left goes to the first
        }

        [Fact]
        public void Should_ExplainTheRule_When_LengthsDoNotAddUp()
        {
            using var data = new TensorDataset(zeros(10, 1), arange(10, dtype: ScalarType.Int64));
            Assert.Contains("adding up to the dataset's 10 samples. Received lengths=[5, 4]", Assert.Throws<ArgumentException>(() => data.RandomSplit(new long[] { 5, 4 })).Message);
            Assert.Contains("Received fractions=[0.5, 0.4]", Assert.Throws<ArgumentException>(() => data.RandomSplit(new[] { 0.5, 0.4 })).Message);
        }
    }
}
