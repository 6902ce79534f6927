using Kernelwise.Export.Converters;
using Kernelwise.Layers;

namespace Kernelwise.Export;

/// <summary>
/// The ONNX converters, keyed by exact layer type. Matching is exact (not by base class) on purpose: a subclass may
/// compute something else than its base, so an unknown type is refused with an error rather than exported wrongly.
/// </summary>
internal sealed class OnnxConverterRegistry
{
    private readonly Dictionary<Type, IOnnxLayerConverter> _converters = new();

    /// <summary>The converters for every layer Kernelwise offers.</summary>
    public static OnnxConverterRegistry Default { get; } = CreateDefault();

    /// <summary>The layer types that have a converter, sorted by name.</summary>
    public IEnumerable<Type> LayerTypes => _converters.Keys.OrderBy(t => t.Name, StringComparer.Ordinal);

    /// <summary>Registers <paramref name="converter"/> for layers of exactly type <typeparamref name="TLayer"/>.</summary>
    public OnnxConverterRegistry Register<TLayer>(OnnxLayerConverter<TLayer> converter) where TLayer : Layer
    {
        _converters[typeof(TLayer)] = converter;
        return this;
    }

    /// <summary>Registers a merge converter for merge layers of exactly type <typeparamref name="TLayer"/>.</summary>
    public OnnxConverterRegistry Register<TLayer>(OnnxMergeConverter<TLayer> converter) where TLayer : MergeLayer
    {
        _converters[typeof(TLayer)] = converter;
        return this;
    }

    /// <summary>
    /// Registers <paramref name="converter"/>, written for a base type <typeparamref name="TConverted"/>, for layers of
    /// exactly type <typeparamref name="TLayer"/> (e.g. one convolution converter for Conv1D, Conv2D and Conv3D).
    /// </summary>
    public OnnxConverterRegistry Register<TLayer, TConverted>(OnnxLayerConverter<TConverted> converter) where TLayer : TConverted where TConverted : Layer
    {
        _converters[typeof(TLayer)] = converter;
        return this;
    }

    /// <summary>The converter for <paramref name="layerType"/>, or null.</summary>
    public IOnnxLayerConverter? Find(Type layerType) => _converters.GetValueOrDefault(layerType);

    private static OnnxConverterRegistry CreateDefault()
    {
        var conv = new ConvolutionConverter();
        var transpose = new ConvolutionTransposeConverter();
        var pooling = new PoolingConverter();
        var global = new GlobalPoolingConverter();
        var adaptive = new AdaptivePoolingConverter();
        return new OnnxConverterRegistry()
            .Register<Conv1D, BaseConv>(conv).Register<Conv2D, BaseConv>(conv).Register<Conv3D, BaseConv>(conv)
            .Register<Conv1DTranspose, BaseConvTranspose>(transpose).Register<Conv2DTranspose, BaseConvTranspose>(transpose).Register<Conv3DTranspose, BaseConvTranspose>(transpose)
            .Register(new DepthwiseConv2DConverter())
            .Register(new SeparableConv2DConverter())
            .Register<MaxPooling1D, BasePooling>(pooling).Register<MaxPooling2D, BasePooling>(pooling).Register<MaxPooling3D, BasePooling>(pooling)
            .Register<AveragePooling1D, BasePooling>(pooling).Register<AveragePooling2D, BasePooling>(pooling).Register<AveragePooling3D, BasePooling>(pooling)
            .Register<GlobalAveragePooling1D, BaseGlobalPooling>(global).Register<GlobalAveragePooling2D, BaseGlobalPooling>(global).Register<GlobalAveragePooling3D, BaseGlobalPooling>(global)
            .Register<GlobalMaxPooling1D, BaseGlobalPooling>(global).Register<GlobalMaxPooling2D, BaseGlobalPooling>(global).Register<GlobalMaxPooling3D, BaseGlobalPooling>(global)
            .Register<AdaptiveAveragePooling1D, BaseAdaptivePooling>(adaptive).Register<AdaptiveAveragePooling2D, BaseAdaptivePooling>(adaptive).Register<AdaptiveAveragePooling3D, BaseAdaptivePooling>(adaptive)
            .Register(new DenseConverter())
            .Register(new FlattenConverter())
            .Register(new ReshapeConverter())
            .Register(new DropoutConverter<Dropout>())
            .Register(new DropoutConverter<SpatialDropout2D>())
            .Register(new ActivationLayerConverter())
            .Register(new BatchNormalizationConverter())
            .Register(new LayerNormalizationConverter())
            .Register(new ZeroPadding2DConverter())
            .Register(new UpSampling2DConverter())
            .Register(new BranchConverter())
            .Register(new ResidualConverter())
            .Register(new BranchesConverter())
            .Register(new AuxiliaryOutputConverter())
            .Register(new ElementwiseMergeConverter<Add>("Add"))
            .Register(new ElementwiseMergeConverter<Subtract>("Sub"))
            .Register(new ElementwiseMergeConverter<Multiply>("Mul"))
            .Register(new ElementwiseMergeConverter<Average>("Add"))
            .Register(new ElementwiseMergeConverter<Maximum>("Max"))
            .Register(new ConcatenateMergeConverter())
            .Register(new RescalingConverter())
            .Register(new NormalizationConverter())
            .Register(new ResizingConverter())
            .Register(new CenterCropConverter())
            .Register(new RandomCropConverter())
            .Register(new TrainingOnlyConverter<RandomFlip>())
            .Register(new TrainingOnlyConverter<RandomRotation>())
            .Register(new TrainingOnlyConverter<RandomTranslation>())
            .Register(new TrainingOnlyConverter<RandomZoom>());
    }
}
