using Kernelwise.Formats;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Kernelwise.Vision;

/// <summary>
/// An RGB picture made of equally sized tiles in a grid, separated by a gap, written as PNG. Tiles are drawn from
/// planes of values (row-major, one value per pixel) through a colour scale, magnified by an integer factor with
/// nearest-neighbour sampling so every source pixel stays a visible square.
/// </summary>
internal sealed class Canvas
{
    public const int Gap = 2;
    private static readonly Rgb24 Background = new(255, 255, 255);

    private readonly Rgb24[] _pixels;

    /// <summary>A grid of <paramref name="rows"/> × <paramref name="columns"/> tiles of <paramref name="tileHeight"/> × <paramref name="tileWidth"/> pixels.</summary>
    public Canvas(int rows, int columns, int tileHeight, int tileWidth)
    {
        Guard.Positive(rows);
        Guard.Positive(columns);
        Guard.Positive(tileHeight);
        Guard.Positive(tileWidth);
        long width = (long)columns * tileWidth + (columns + 1L) * Gap, height = (long)rows * tileHeight + (rows + 1L) * Gap;
        if (width * height > 64L * 1024 * 1024)
            throw new ArgumentException($"A picture of {rows}×{columns} tiles of {tileHeight}×{tileWidth} pixels would be {width}×{height} pixels; the limit is 64 megapixels. Draw fewer maps or a smaller scale.");
        (Rows, Columns, TileHeight, TileWidth, Width, Height) = (rows, columns, tileHeight, tileWidth, (int)width, (int)height);
        _pixels = new Rgb24[Width * Height];
        Array.Fill(_pixels, Background);
    }

    public int Rows { get; }
    public int Columns { get; }
    public int TileHeight { get; }
    public int TileWidth { get; }
    public int Width { get; }
    public int Height { get; }

    /// <summary>
    /// Draws the tile at (<paramref name="row"/>, <paramref name="column"/>): pixel (y, x) of the tile takes the colour of
    /// source pixel (y / scale, x / scale), computed by <paramref name="colour"/> from the source row and column.
    /// </summary>
    public void Draw(int row, int column, int sourceHeight, int sourceWidth, int scale, Func<int, int, Rgb24> colour)
    {
        if (row < 0 || row >= Rows || column < 0 || column >= Columns)
            throw new ArgumentOutOfRangeException(nameof(row), $"Tile ({row}, {column}) is outside the {Rows}×{Columns} grid.");
        if (sourceHeight * scale > TileHeight || sourceWidth * scale > TileWidth)
            throw new ArgumentException($"A {sourceHeight}×{sourceWidth} source at scale {scale} does not fit a {TileHeight}×{TileWidth} tile.");
        int top = Gap + row * (TileHeight + Gap), left = Gap + column * (TileWidth + Gap);
        for (int sy = 0; sy < sourceHeight; sy++)
        {
            for (int sx = 0; sx < sourceWidth; sx++)
            {
                var c = colour(sy, sx);
                for (int dy = 0; dy < scale; dy++)
                {
                    int offset = (top + sy * scale + dy) * Width + left + sx * scale;
                    for (int dx = 0; dx < scale; dx++) _pixels[offset + dx] = c;
                }
            }
        }
    }

    /// <summary>Writes the picture as a PNG file, atomically (readers see the old file or the whole new one).</summary>
    public void Save(string path)
    {
        Guard.NotEmpty(path);
        using var image = Image.LoadPixelData<Rgb24>(_pixels, Width, Height);
        AtomicFile.Write(path, stream => image.SaveAsPng(stream));
    }

    /// <summary>The integer magnification that brings a side of <paramref name="side"/> pixels near <paramref name="target"/> (at least 1).</summary>
    public static int ScaleFor(long side, int target) => (int)Math.Max(1, Math.Round((double)target / Math.Max(1, side)));

    /// <summary>Columns of a near-square grid for <paramref name="count"/> tiles.</summary>
    public static int ColumnsFor(int count) => Math.Max(1, (int)Math.Ceiling(Math.Sqrt(count)));
}
