#:project ../src/Kernelwise/Kernelwise.csproj
#:package System.CommandLine
// Classifies image files with any model archive (.kwmodel), reading the preprocessing and the class names from the
// archive; prints the most probable classes by name with their probabilities.
//   dotnet run scripts/predict.cs -- ARCHIVE IMAGE|FOLDER... [--top K]
using System.CommandLine;
using System.Globalization;
using Kernelwise.Models;

var archiveArgument = new Argument<string>("archive") { Description = "The model archive (.kwmodel)." };
var imagesArgument = new Argument<string[]>("images") { Description = "Image files, or folders of them.", Arity = ArgumentArity.OneOrMore };
var topOption = new Option<int>("--top") { Description = "How many classes to print per image.", DefaultValueFactory = _ => 3 };
var options = new RootCommand("Classifies images with a model archive.") { archiveArgument, imagesArgument, topOption }.Parse(args);
if (options.Action is not null) return options.Invoke();

using var classifier = ImageClassifier.Load(options.GetValue(archiveArgument)!);
foreach (var (path, classes) in classifier.ClassifyAll(options.GetValue(imagesArgument)!, options.GetValue(topOption)))
{
    Console.WriteLine(path);
    foreach (var (name, probability) in classes)
        Console.WriteLine($"  {name,-20} {probability.ToString("P1", CultureInfo.InvariantCulture)}");
}
return 0;
