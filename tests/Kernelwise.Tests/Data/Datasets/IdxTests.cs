using Kernelwise.Data;
using TorchSharp;
using static Kernelwise.Tests.Data.Datasets.IdxFiles;

namespace Kernelwise.Tests.Data.Datasets;

public class IdxTests
{
    public class ReadImages : IDisposable
    {
        private readonly TempDirectory _dir = new();

        public void Dispose() => _dir.Dispose();

        [Fact]
        public void Should_ReturnFloatNchwScaledToUnitRange_When_FileIsRawIdx()
        {
            string path = Write(_dir.Combine(TrainImages), IdxFiles.Images(3, 2, 4));

            using var images = Idx.ReadImages(path);

            Assert.Equal(new long[] { 3, 1, 2, 4 }, images.shape);
            Assert.Equal(torch.ScalarType.Float32, images.dtype);
            float[] expected = Pixels(3, 2, 4).Select(b => b / 255f).ToArray();
            Assert.Equal(expected, images.data<float>().ToArray());
        }

        [Fact]
        public void Should_DetectGzipByMagicBytes_When_FileNameHasNoGzExtension()
        {
            string gz = Write(_dir.Combine("images-compressed"), IdxFiles.Images(4, 8, 8, seed: 11), gzip: true);
            string raw = Write(_dir.Combine("images-plain.gz"), IdxFiles.Images(4, 8, 8, seed: 11));

            using var fromGzip = Idx.ReadImages(gz);
            using var fromRaw = Idx.ReadImages(raw);

            Assert.Equal(new long[] { 4, 1, 8, 8 }, fromGzip.shape);
            Assert.Equal(fromRaw.data<float>().ToArray(), fromGzip.data<float>().ToArray());
            Assert.Equal(1f, fromGzip.max().item<float>()); // every byte value occurs in 256 pixels
        }

        [Fact]
        public void Should_ReturnEmptyBatch_When_FileDeclaresZeroImages()
        {
            string path = Write(_dir.Combine(TrainImages), IdxFiles.Images(0, 28, 28));
            using var images = Idx.ReadImages(path);
            Assert.Equal(new long[] { 0, 1, 28, 28 }, images.shape);
        }

        [Fact]
        public void Should_NameFileAndBothMagicNumbers_When_FileIsALabelFile()
        {
            string path = Write(_dir.Combine("train-images-idx3-ubyte.gz"), Labels(1, 2, 3), gzip: true);

            var e = Assert.Throws<InvalidDataException>(() => Idx.ReadImages(path));

            Assert.Equal(
                $"File '{path}' is not an IDX image file: magic number 0x00000801, expected 0x00000803. " +
                "It declares 1 dimension; an IDX image file has 3 dimensions (count, rows, columns).", e.Message);
        }

        [Fact]
        public void Should_ReportDimensionCount_When_HeaderDeclaresTwoDimensions()
        {
            string path = Write(_dir.Combine(TrainImages), [.. Header(0x00000802, 2, 784), .. new byte[2 * 784]]);

            var e = Assert.Throws<InvalidDataException>(() => Idx.ReadImages(path));

            Assert.Equal(
                $"File '{path}' is not an IDX image file: magic number 0x00000802, expected 0x00000803. " +
                "It declares 2 dimensions; an IDX image file has 3 dimensions (count, rows, columns).", e.Message);
        }

        [Fact]
        public void Should_ReportElementType_When_HeaderDeclaresFloats()
        {
            string path = Write(_dir.Combine(TrainImages), [.. Header(0x00000D03, 1, 1, 1), 0, 0, 0, 0]);

            var e = Assert.Throws<InvalidDataException>(() => Idx.ReadImages(path));

            Assert.Equal(
                $"File '{path}' is not an IDX image file: magic number 0x00000D03, expected 0x00000803. " +
                "It declares element type 0x0D; only unsigned bytes (0x08) are supported.", e.Message);
        }

        [Fact]
        public void Should_ShowForeignMagic_When_FileIsNotIdxAtAll()
        {
            string path = Write(_dir.Combine("picture.png"), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0, 0, 0, 0, 0]);

            var e = Assert.Throws<InvalidDataException>(() => Idx.ReadImages(path));

            Assert.Equal($"File '{path}' is not an IDX image file: magic number 0x89504E47, expected 0x00000803.", e.Message);
        }

        [Fact]
        public void Should_ReportDeclaredAndActualBytes_When_RawFileIsTruncated()
        {
            byte[] full = IdxFiles.Images(3, 2, 4);
            string path = Write(_dir.Combine(TrainImages), full[..(16 + 10)]);

            var e = Assert.Throws<InvalidDataException>(() => Idx.ReadImages(path));

            Assert.Equal(
                $"File '{path}' is truncated: its header declares 3 images of 2×4 pixels (24 bytes after the 16-byte header), but only 10 bytes follow.",
                e.Message);
        }

        [Fact]
        public void Should_SayDecompressed_When_GzipContentIsTruncated()
        {
            byte[] full = IdxFiles.Images(60, 28, 28);
            string path = Write(_dir.Combine("train-images-idx3-ubyte.gz"), full[..(16 + 1000)], gzip: true);

            var e = Assert.Throws<InvalidDataException>(() => Idx.ReadImages(path));

            Assert.Equal(
                $"File '{path}' is truncated: its header declares 60 images of 28×28 pixels (47040 bytes after the 16-byte header), but only 1000 bytes follow (after gzip decompression).",
                e.Message);
        }

        [Fact]
        public void Should_NameFile_When_GzipStreamIsCutOff()
        {
            byte[] compressed = Gzip(IdxFiles.Images(60, 28, 28));
            string path = Write(_dir.Combine("train-images-idx3-ubyte.gz"), compressed[..(compressed.Length / 2)]);

            var e = Assert.Throws<InvalidDataException>(() => Idx.ReadImages(path));

            Assert.StartsWith($"File '{path}' ", e.Message);
            Assert.True(e.Message.Contains("truncated", StringComparison.Ordinal) || e.Message.Contains("cannot be decompressed", StringComparison.Ordinal), e.Message);
        }

        [Fact]
        public void Should_ReportHeaderEnd_When_HeaderIsIncomplete()
        {
            string path = Write(_dir.Combine(TrainImages), Header(0x00000803, 3, 2)); // rows present, columns missing

            var e = Assert.Throws<InvalidDataException>(() => Idx.ReadImages(path));

            Assert.Equal($"File '{path}' is truncated: its 16-byte IDX image header ends after 12 bytes.", e.Message);
        }

        [Fact]
        public void Should_ReportLength_When_FileIsTooShortForMagic()
        {
            string path = Write(_dir.Combine(TrainImages), [0, 0]);

            var e = Assert.Throws<InvalidDataException>(() => Idx.ReadImages(path));

            Assert.Equal($"File '{path}' is not an IDX image file: it holds only 2 bytes, too few for the 4-byte magic number 0x00000803.", e.Message);
        }

        [Fact]
        public void Should_ReportExtraBytes_When_FileIsLongerThanDeclared()
        {
            string path = Write(_dir.Combine(TrainImages), [.. IdxFiles.Images(1, 2, 2), 7, 7, 7]);

            var e = Assert.Throws<InvalidDataException>(() => Idx.ReadImages(path));

            Assert.Equal(
                $"File '{path}' is longer than its header says: it declares 1 image of 2×2 pixels (4 bytes after the 16-byte header), but 3 more bytes follow.",
                e.Message);
        }

        [Fact]
        public void Should_ReadTheSizeAsUnsignedAndRefuseIt_When_HeaderSizeIs0xFFFFFFFF()
        {
            string path = Write(_dir.Combine(TrainImages), Header(0x00000803, unchecked((int)0xFFFFFFFF), 28, 28));

            var e = Assert.Throws<InvalidDataException>(() => Idx.ReadImages(path));

            Assert.Equal(
                $"File '{path}' has an invalid IDX image header: size 4,294,967,295 for dimension 0 (images), more than one array can hold ({Array.MaxLength:N0}); expected 0 to {Array.MaxLength:N0}.",
                e.Message);
        }

        [Fact]
        public void Should_RefuseTheSize_When_ItIsLargeInALaterDimension()
        {
            string path = Write(_dir.Combine(TrainImages), Header(0x00000803, 0, 28, unchecked((int)0x80000000)));

            var e = Assert.Throws<InvalidDataException>(() => Idx.ReadImages(path));

            Assert.Equal(
                $"File '{path}' has an invalid IDX image header: size 2,147,483,648 for dimension 2 (columns), more than one array can hold ({Array.MaxLength:N0}); expected 1 to {Array.MaxLength:N0}.",
                e.Message);
        }

        [Fact]
        public void Should_RefuseWithoutOverflow_When_TheSizesMultiplyBeyondALong()
        {
            // 2,000,000,000³ bytes overflows a 64-bit product; the check must still see it as too large.
            string path = Write(_dir.Combine(TrainImages), Header(0x00000803, 2_000_000_000, 2_000_000_000, 2_000_000_000));

            var e = Assert.Throws<InvalidDataException>(() => Idx.ReadImages(path));

            Assert.Equal(
                $"File '{path}' declares 2000000000 images of 2000000000×2000000000 pixels (8000000000000000000000000000 bytes), more than one array can hold ({Array.MaxLength} bytes).",
                e.Message);
        }

        [Fact]
        public void Should_SayTheFileIsNotGzip_When_ItIsNamedGzButHoldsSomethingElse()
        {
            string path = Write(_dir.Combine(TrainImages + ".gz"), "<!DOCTYPE html><html>Not found</html>"u8.ToArray());

            var e = Assert.Throws<InvalidDataException>(() => Idx.ReadImages(path));

            Assert.Equal(
                $"File '{path}' is named .gz but is not gzip-compressed: it starts with 3C 21 44 4F, not gzip's 1F 8B. " +
                $"File '{path}' is not an IDX image file: magic number 0x3C21444F, expected 0x00000803.",
                e.Message);
        }

        [Fact]
        public void Should_SayTheFileIsNotGzip_When_ItIsNamedGzAndEmpty()
        {
            string path = Write(_dir.Combine(TrainImages + ".gz"), Array.Empty<byte>());

            var e = Assert.Throws<InvalidDataException>(() => Idx.ReadImages(path));

            Assert.StartsWith($"File '{path}' is named .gz but is not gzip-compressed: it is empty. File '{path}' is not an IDX image file: it holds only 0 bytes", e.Message);
        }

        [Fact]
        public void Should_RejectZeroRows_When_HeaderDeclaresEmptyImages()
        {
            string path = Write(_dir.Combine(TrainImages), Header(0x00000803, 5, 0, 28));

            var e = Assert.Throws<InvalidDataException>(() => Idx.ReadImages(path));

            Assert.Equal($"File '{path}' has an invalid IDX image header: size 0 for dimension 1 (rows), expected 1 or more.", e.Message);
        }

        [Fact]
        public void Should_ThrowFileNotFoundNamingPath_When_FileDoesNotExist()
        {
            string path = _dir.Combine("nothing-here");

            var e = Assert.Throws<FileNotFoundException>(() => Idx.ReadImages(path));

            Assert.Equal($"IDX image file '{path}' does not exist.", e.Message);
            Assert.Equal(path, e.FileName);
        }
    }

    public class ReadLabels : IDisposable
    {
        private readonly TempDirectory _dir = new();

        public void Dispose() => _dir.Dispose();

        [Fact]
        public void Should_ReturnInt64ClassIndices_When_FileIsValid()
        {
            string path = Write(_dir.Combine("labels.gz"), Labels(9, 0, 255, 3), gzip: true);

            using var labels = Idx.ReadLabels(path);

            Assert.Equal(new long[] { 4 }, labels.shape);
            Assert.Equal(torch.ScalarType.Int64, labels.dtype);
            Assert.Equal(new long[] { 9, 0, 255, 3 }, labels.data<long>().ToArray());
        }

        [Fact]
        public void Should_NameFileAndMagic_When_FileIsAnImageFile()
        {
            string path = Write(_dir.Combine(TrainLabels), IdxFiles.Images(1, 2, 2));

            var e = Assert.Throws<InvalidDataException>(() => Idx.ReadLabels(path));

            Assert.Equal(
                $"File '{path}' is not an IDX label file: magic number 0x00000803, expected 0x00000801. " +
                "It declares 3 dimensions; an IDX label file has 1 dimension (count).", e.Message);
        }

        [Fact]
        public void Should_ReportDeclaredAndActualLabels_When_FileIsTruncated()
        {
            string path = Write(_dir.Combine(TrainLabels), Labels(1, 2, 3, 4, 5)[..10]);

            var e = Assert.Throws<InvalidDataException>(() => Idx.ReadLabels(path));

            Assert.Equal($"File '{path}' is truncated: its header declares 5 labels (5 bytes after the 8-byte header), but only 2 bytes follow.", e.Message);
        }
    }

    public class ReadDataset : IDisposable
    {
        private readonly TempDirectory _dir = new();

        public void Dispose() => _dir.Dispose();

        [Fact]
        public void Should_PairImagesWithLabels_When_CountsMatch()
        {
            string images = Write(_dir.Combine(TrainImages), IdxFiles.Images(3, 28, 28), gzip: true);
            string labels = Write(_dir.Combine(TrainLabels), Labels(2, 0, 1));

            using var dataset = Idx.ReadDataset(images, labels, ["a", "b", "c"]);

            Assert.Equal(3, dataset.Count);
            Assert.Equal(new long[] { 3, 1, 28, 28 }, dataset.Inputs.shape);
            Assert.Equal(new long[] { 2, 0, 1 }, dataset.Targets.data<long>().ToArray());
            Assert.Equal(["a", "b", "c"], dataset.ClassNames!);
        }

        [Fact]
        public void Should_NameBothFilesAndCounts_When_CountsDiffer()
        {
            string images = Write(_dir.Combine(TrainImages), IdxFiles.Images(3, 28, 28));
            string labels = Write(_dir.Combine(TrainLabels), Labels(2, 0));

            var e = Assert.Throws<InvalidDataException>(() => Idx.ReadDataset(images, labels));

            Assert.Equal(
                $"Files '{images}' and '{labels}' do not belong together: the image file holds 3 images but the label file holds 2 labels.",
                e.Message);
        }
    }
}
