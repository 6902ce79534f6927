using Kernelwise.Platform;

namespace Kernelwise.Tests.Platform;

public class KernelwiseRuntimeTests
{
    public class ParseAllocatorPolicy
    {
        [Theory]
        [InlineData("tuned", AllocatorPolicy.Tuned)]
        [InlineData("retain", AllocatorPolicy.Retain)]
        [InlineData("off", AllocatorPolicy.System)]
        [InlineData("system", AllocatorPolicy.System)]
        [InlineData(" Tuned ", AllocatorPolicy.Tuned)]
        [InlineData("OFF", AllocatorPolicy.System)]
        public void Should_ReturnThePolicy_When_ValueIsKnown(string value, AllocatorPolicy expected)
            => Assert.Equal(expected, KernelwiseRuntime.ParseAllocatorPolicy(value));

        [Theory]
        [InlineData("default")]
        [InlineData("")]
        public void Should_ReturnTheDefault_When_ValueIsDefaultOrEmpty(string value)
            => Assert.Equal(KernelwiseRuntime.DefaultAllocatorPolicy, KernelwiseRuntime.ParseAllocatorPolicy(value));

        [Fact]
        public void Should_NameTheVariableAndValue_When_ValueIsUnknown()
        {
            var e = Assert.Throws<ArgumentException>(() => KernelwiseRuntime.ParseAllocatorPolicy("never-trim"));
            Assert.StartsWith("Invalid value for KERNELWISE_ALLOCATOR. Expected default, tuned, retain or off. Received KERNELWISE_ALLOCATOR='never-trim'.", e.Message);
        }
    }

    public class ConfigureAllocator
    {
        [Fact]
        public void Should_HaveAppliedTheEnvironmentsPolicy_When_KernelwiseIsLoaded()
        {
            if (!KernelwiseRuntime.CanConfigureAllocator)
            {
                Assert.Equal(AllocatorPolicy.System, KernelwiseRuntime.AllocatorPolicy);
                return;
            }
            var variable = Environment.GetEnvironmentVariable(KernelwiseRuntime.AllocatorVariable);
            var expected = variable is null ? AllocatorPolicy.Tuned : KernelwiseRuntime.ParseAllocatorPolicy(variable);
            Assert.Equal(expected, KernelwiseRuntime.AllocatorPolicy);
        }

        [Fact]
        public void Should_RecordThePolicy_When_Applied()
        {
            var before = KernelwiseRuntime.AllocatorPolicy;
            try
            {
                bool applied = KernelwiseRuntime.ConfigureAllocator(AllocatorPolicy.Retain);
                Assert.Equal(KernelwiseRuntime.CanConfigureAllocator, applied);
                Assert.Equal(applied ? AllocatorPolicy.Retain : before, KernelwiseRuntime.AllocatorPolicy);
            }
            finally
            {
                KernelwiseRuntime.ConfigureAllocator(before);
            }
        }

        [Fact]
        public void Should_RejectTheValue_When_PolicyIsNotDefined()
        {
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => KernelwiseRuntime.ConfigureAllocator((AllocatorPolicy)7));
            Assert.StartsWith("Invalid value for argument policy. Expected System, Tuned or Retain. Received policy=7.", e.Message);
        }
    }

    public class ReleaseFreeMemory
    {
        [Fact]
        public void Should_LeaveNoLargeFreedBlockResident_When_CalledAfterFreeingUnderRetain()
        {
            if (!KernelwiseRuntime.CanConfigureAllocator || !File.Exists("/proc/self/status"))
            {
                Assert.False(KernelwiseRuntime.ReleaseFreeMemory());
                return;
            }
            var before = KernelwiseRuntime.AllocatorPolicy;
            try
            {
                Assert.True(KernelwiseRuntime.ConfigureAllocator(AllocatorPolicy.Retain));
                using (var warm = TorchSharp.torch.ones(1024)) warm.fill_(2.0f); // loads libtorch's code before measuring
                KernelwiseRuntime.ReleaseFreeMemory();
                long start = ResidentMiB();
                long withTensor;
                using (var t = TorchSharp.torch.empty(32L * 1024 * 1024)) // 128 MiB
                {
                    t.fill_(1.0f);
                    withTensor = ResidentMiB();
                }
                KernelwiseRuntime.ReleaseFreeMemory();
                long end = ResidentMiB();
                Assert.True(withTensor - start > 100, $"the 128 MiB tensor was not resident: {start} MiB before, {withTensor} MiB with it");
                Assert.True(end - start < 32, $"freed memory stayed resident after ReleaseFreeMemory: {start} MiB before, {withTensor} MiB with the tensor, {end} MiB after");
            }
            finally
            {
                KernelwiseRuntime.ConfigureAllocator(before);
            }
        }

        private static long ResidentMiB()
        {
            var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) / 1024;
        }
    }
}
