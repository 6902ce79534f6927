#:project ../../src/Kernelwise/Kernelwise.csproj
// Chapter, "2D convolution": a 3×3 kernel slid over a 5×5 image by hand, beside Kernelwise's Conv2D layer holding the
// same kernel. Deep-learning "convolution" is a cross-correlation, y[i, j] = Σ_p Σ_q w[p, q]·x[i + p, j + q] + b;
// the mathematician's convolution flips the kernel first, and the script shows both.
//   dotnet run examples/chapter/convolution-2d.cs
using System.Globalization;
using Kernelwise;
using Kernelwise.Layers;
using Kernelwise.Models;
using static TorchSharp.torch;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

// A 5×5 image: dark on the left, bright on the right, so a vertical-edge kernel lights up in the middle.
float[,] x =
{
    { 0, 0, 1, 3, 3 },
    { 0, 0, 1, 3, 3 },
    { 0, 1, 2, 3, 3 },
    { 0, 0, 1, 3, 3 },
    { 0, 0, 1, 3, 3 },
};
// A vertical-edge kernel (Sobel): positive on the right, negative on the left.
float[,] w =
{
    { -1, 0, 1 },
    { -2, 0, 2 },
    { -1, 0, 1 },
};
const float b = 0.5f;

static void Print(string title, float[,] m)
{
    Console.WriteLine(title);
    for (int i = 0; i < m.GetLength(0); i++)
        Console.WriteLine("   " + string.Join(" ", Enumerable.Range(0, m.GetLength(1)).Select(j => $"{m[i, j],6:0.##}")));
}

// By hand: the output is (5 − 3 + 1) × (5 − 3 + 1) = 3 × 3 ("valid": the kernel stays inside the image).
int k = w.GetLength(0), n = x.GetLength(0), o = n - k + 1;
var byHand = new float[o, o];
for (int i = 0; i < o; i++)
    for (int j = 0; j < o; j++)
    {
        float sum = b;
        for (int p = 0; p < k; p++)
            for (int q = 0; q < k; q++)
                sum += w[p, q] * x[i + p, j + q];
        byHand[i, j] = sum;
    }
Print("Image x (5×5):", x);
Print("Kernel w (3×3), bias b = 0.5:", w);
Console.WriteLine();
Console.WriteLine("y[i, j] = Σ_p Σ_q w[p, q]·x[i + p, j + q] + b, for example (0-based) y[0, 1] =");
Console.WriteLine("   " + string.Join(" + ", from p in Enumerable.Range(0, k) from q in Enumerable.Range(0, k) select $"{w[p, q]}·{x[p, 1 + q]}") + $" + {b} = {byHand[0, 1]}");
Print("By hand, valid padding (3×3):", byHand);

// The same kernel in a Conv2D layer: one filter, 3×3, valid padding. Its weight has PyTorch's layout [F, C, kh, kw].
using var model = new Sequential(new Shape(1, 5, 5)).Conv2D(1, 3).Build(ComputeDevice.Cpu);
using (no_grad())
{
    var parameters = model.Network.named_parameters().ToDictionary(p => p.name[(p.name.LastIndexOf('.') + 1)..], p => p.parameter);
    parameters["weight"].copy_(tensor(w.Cast<float>().ToArray(), new long[] { 1, 1, 3, 3 }));
    parameters["bias"].copy_(tensor(new[] { b }));
}
var image = tensor(x.Cast<float>().ToArray(), new long[] { 1, 1, 5, 5 }); // [batch, channels, height, width]
var layerOutput = model.Predict(image);
var fromLayer = ToMatrix(layerOutput);
Print("Kernelwise Conv2D(1, 3), the same weights:", fromLayer);
double difference = Enumerable.Range(0, o * o).Max(t => Math.Abs(byHand[t / o, t % o] - fromLayer[t / o, t % o]));
Console.WriteLine($"Largest difference between hand and layer: {difference}");
Console.WriteLine();

// "same" padding keeps 5×5: one ring of zeros around the image (p = (k − 1)/2 = 1).
using var same = new Sequential(new Shape(1, 5, 5)).Conv2D(1, 3, padding: Padding.Same).Build(ComputeDevice.Cpu);
using (no_grad())
{
    same.Network.load_state_dict(model.Network.state_dict());
}
Print("Padding \"same\" (a ring of zeros first): 5×5 output", ToMatrix(same.Predict(image)));
Console.WriteLine();

// The true convolution flips the kernel: (x ∗ w)[i, j] = Σ w[p, q]·x[i − p + 2, j − q + 2] = cross-correlation with rot180(w).
var trueConvolution = new float[o, o];
for (int i = 0; i < o; i++)
    for (int j = 0; j < o; j++)
    {
        float sum = b;
        for (int p = 0; p < k; p++)
            for (int q = 0; q < k; q++)
                sum += w[p, q] * x[i + k - 1 - p, j + k - 1 - q];
        trueConvolution[i, j] = sum;
    }
using (no_grad())
{
    model.Network.named_parameters().First(p => p.name.EndsWith("weight")).parameter.copy_(
        tensor(w.Cast<float>().ToArray(), new long[] { 1, 1, 3, 3 }).flip(2, 3));
}
var flipped = ToMatrix(model.Predict(image));
Print("True convolution by hand (kernel flipped):", trueConvolution);
Print("Conv2D with the kernel rotated by 180°:", flipped);
Console.WriteLine($"Equal: {Enumerable.Range(0, o * o).All(t => trueConvolution[t / o, t % o] == flipped[t / o, t % o])} — the flip only mirrors the learned kernel, so networks skip it.");
return difference < 1e-5 ? 0 : 1;

static float[,] ToMatrix(Tensor t)
{
    var values = t.detach().contiguous().data<float>().ToArray();
    int rows = (int)t.shape[^2], columns = (int)t.shape[^1];
    var m = new float[rows, columns];
    for (int i = 0; i < rows; i++) for (int j = 0; j < columns; j++) m[i, j] = values[i * columns + j];
    return m;
}
