using Kernelwise.Data;

namespace Kernelwise.Tests.Data.Formats;

public class Cifar10BinaryTests
{
    /// <summary>Writes a CIFAR-10 binary folder with <paramref name="perFile"/> records per file; record r of file f has label (f + r) % 10 and pixels (f·7 + r + k) % 256.</summary>
    private static void WriteFolder(string dir, int perFile = 3)
    {
        Directory.CreateDirectory(dir);
        var names = Cifar10Binary.TrainFiles.Append(Cifar10Binary.TestFile).ToArray();
        for (int f = 0; f < names.Length; f++)
        {
            var bytes = new byte[perFile * Cifar10Binary.RecordBytes];
            for (int r = 0; r < perFile; r++)
            {
                bytes[r * Cifar10Binary.RecordBytes] = (byte)((f + r) % 10);
                for (int k = 0; k < 3072; k++) bytes[r * Cifar10Binary.RecordBytes + 1 + k] = (byte)((f * 7 + r + k) % 256);
            }
            File.WriteAllBytes(Path.Combine(dir, names[f]), bytes);
        }
    }

    [Fact]
    public void Should_ReadImagesAsChannelFirstFloatsAndLabels_When_TheFolderIsComplete()
    {
        using var tmp = new TempDirectory();
        var dir = tmp.Combine("cifar-10-batches-bin");
        WriteFolder(dir);
        using var splits = Cifar10Binary.Load(tmp.Path); // finds the nested folder
        Assert.Equal(new long[] { 15, 3, 32, 32 }, splits.Train.Inputs.shape);
        Assert.Equal(new long[] { 3, 3, 32, 32 }, splits.Test.Inputs.shape);
        Assert.Equal(new long[] { 0, 1, 2, 1, 2, 3 }, splits.Train.Targets[..6].data<long>().ToArray());
        // file 1 (data_batch_2), record 2: green plane starts at k = 1024, row 0, column 5 → k = 1029.
        Assert.Equal((1 * 7 + 2 + 1029) % 256 / 255f, splits.Train.Inputs[5, 1, 0, 5].item<float>(), 6);
        Assert.Equal("airplane", splits.ClassNames[0]);
        Assert.Equal(dir, splits.SourceDirectory);
    }

    [Fact]
    public void Should_NameEveryMissingFile_When_TheFolderIsIncomplete()
    {
        using var tmp = new TempDirectory();
        WriteFolder(tmp.Path);
        File.Delete(tmp.Combine("data_batch_3.bin"));
        File.Delete(tmp.Combine("test_batch.bin"));
        var error = Assert.Throws<FileNotFoundException>(() => Cifar10Binary.Load(tmp.Path));
        Assert.Contains("lacks data_batch_3.bin, test_batch.bin", error.Message);
        Assert.Contains("cifar-10-binary.tar.gz", error.Message);
    }

    [Fact]
    public void Should_ExplainTheRecordSize_When_AFileIsTruncated()
    {
        using var tmp = new TempDirectory();
        WriteFolder(tmp.Path);
        var path = tmp.Combine("data_batch_1.bin");
        File.WriteAllBytes(path, File.ReadAllBytes(path)[..5000]);
        var error = Assert.Throws<InvalidDataException>(() => Cifar10Binary.Load(tmp.Path));
        Assert.Contains(path, error.Message);
        Assert.Contains("5,000 bytes, not a whole number of 3,073-byte records", error.Message);
        Assert.Contains("1 whole records and 1927 extra bytes", error.Message);
    }

    [Fact]
    public void Should_RecogniseCifar100_When_RecordsHaveTwoLabelBytes()
    {
        using var tmp = new TempDirectory();
        var path = tmp.Combine("train.bin");
        File.WriteAllBytes(path, new byte[3074 * 2]);
        Assert.Contains("looks like CIFAR-100", Assert.Throws<InvalidDataException>(() => Cifar10Binary.ReadFile(path)).Message);
    }

    [Fact]
    public void Should_NameTheRecord_When_ALabelIsAboveNine()
    {
        using var tmp = new TempDirectory();
        var path = tmp.Combine("x.bin");
        var bytes = new byte[Cifar10Binary.RecordBytes * 2];
        bytes[Cifar10Binary.RecordBytes] = 12;
        File.WriteAllBytes(path, bytes);
        var error = Assert.Throws<InvalidDataException>(() => Cifar10Binary.ReadFile(path));
        Assert.Contains("record 1 (byte 3073) has label 12", error.Message);
        File.WriteAllBytes(path, Array.Empty<byte>());
        Assert.Contains("is empty (0 bytes)", Assert.Throws<InvalidDataException>(() => Cifar10Binary.ReadFile(path)).Message);
    }
}
