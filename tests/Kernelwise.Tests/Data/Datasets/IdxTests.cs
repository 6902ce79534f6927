using Kernelwise.Data.Datasets;

namespace Kernelwise.Tests.Data.Datasets;

public sealed class IdxTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("kw-idx-");

    public void Dispose() => _dir.Delete(true);

    private string Write(string name, byte[] data)
    {
        var path = Path.Combine(_dir.FullName, name);
        File.WriteAllBytes(path, data);
        return path;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Should_ReadImagesAndLabels_When_FileIsRawOrGzip(bool gzip)
    {
        var images = IdxFiles.Images(3, 2, 4, pixel: i => (byte)i);
        var path = Write("images.bin", gzip ? IdxFiles.Gzip(images) : images);
        var data = Idx.ReadImages(path);
        Assert.Equal((3, 2, 4), (data.Count, data.Rows, data.Columns));
        Assert.Equal(Enumerable.Range(0, 24).Select(i => (byte)i), data.Pixels);
        var labels = Write("labels.bin", gzip ? IdxFiles.Gzip(IdxFiles.Labels(1, 2, 3)) : IdxFiles.Labels(1, 2, 3));
        Assert.Equal(new byte[] { 1, 2, 3 }, Idx.ReadLabels(labels));
    }

    [Fact]
    public void Should_NameFileAndMagic_When_MagicIsWrong()
    {
        var path = Write("x.gz", IdxFiles.Gzip(IdxFiles.Images(1, 2, 2, magic: 0x00000802)));
        var e = Assert.Throws<InvalidDataException>(() => Idx.ReadImages(path));
        Assert.Equal($"File '{path}' is not an IDX image file: magic number 0x00000802, expected 0x00000803.", e.Message);
    }

    [Fact]
    public void Should_RefuseLabelsAsImages_When_FilesAreSwapped()
    {
        var path = Write("labels", IdxFiles.Labels(1, 2));
        var e = Assert.Throws<InvalidDataException>(() => Idx.ReadImages(path));
        Assert.Equal($"File '{path}' is not an IDX image file: magic number 0x00000801, expected 0x00000803.", e.Message);
    }

    [Fact]
    public void Should_ReportDeclaredAndActualSize_When_FileIsTruncated()
    {
        var full = IdxFiles.Images(4, 28, 28);
        var path = Write("truncated", full[..(full.Length - 100)]);
        var e = Assert.Throws<InvalidDataException>(() => Idx.ReadImages(path));
        Assert.Equal($"File '{path}' is truncated: its header declares 4 images of 28×28 (3,152 bytes) but it holds 3,052 bytes.", e.Message);
    }

    [Fact]
    public void Should_Fail_When_GzipStreamIsTruncated()
    {
        var gz = IdxFiles.Gzip(IdxFiles.Images(50, 28, 28));
        var path = Write("cut.gz", gz[..(gz.Length / 2)]);
        var e = Assert.Throws<InvalidDataException>(() => Idx.ReadImages(path));
        Assert.Contains($"'{path}'", e.Message);
    }

    [Fact]
    public void Should_Fail_When_FileIsTooShortForAHeader()
    {
        var path = Write("empty", Array.Empty<byte>());
        var e = Assert.Throws<InvalidDataException>(() => Idx.ReadLabels(path));
        Assert.Equal($"File '{path}' is too short to be an IDX label file: 0 bytes, expected at least 8.", e.Message);
    }

    [Fact]
    public void Should_NameBothFiles_When_ImageAndLabelCountsDiffer()
    {
        IdxFiles.WriteSet(_dir.FullName);
        var labels = Path.Combine(_dir.FullName, "t10k-labels-idx1-ubyte.gz");
        File.WriteAllBytes(labels, IdxFiles.Gzip(IdxFiles.Labels(0, 1, 0)));
        var e = Assert.Throws<InvalidDataException>(() => FashionMnist.Load(_dir.FullName));
        Assert.Equal($"'{Path.Combine(_dir.FullName, "t10k-images-idx3-ubyte.gz")}' holds 4 images but '{labels}' holds 3 labels; they must match.", e.Message);
    }

    [Fact]
    public void Should_NameTheLabel_When_ALabelIsOutOfRange()
    {
        IdxFiles.WriteSet(_dir.FullName);
        var labels = Path.Combine(_dir.FullName, "train-labels-idx1-ubyte.gz");
        File.WriteAllBytes(labels, IdxFiles.Gzip(IdxFiles.Labels(0, 1, 2, 3, 4, 12)));
        var e = Assert.Throws<InvalidDataException>(() => FashionMnist.Load(_dir.FullName));
        Assert.Equal($"'{labels}' holds label 12 at index 5; Fashion-MNIST has 10 classes (0 to 9).", e.Message);
    }
}
