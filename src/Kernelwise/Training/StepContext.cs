using TorchSharp;
using static TorchSharp.torch;

namespace Kernelwise.Training;

/// <summary>
/// One step of a loop: the batch (on the model's device) and the engine's services a step function uses —
/// the compiled loss, backward with gradient accumulation and loss scaling, the update with gradient averaging across
/// processes and clipping, and the running loss and metrics. Passed to <see cref="Trainer.TrainStep"/> and
/// <see cref="Trainer.TestStep"/>.
/// </summary>
/// <remarks>
/// A step runs inside a dispose scope owned by the engine: every tensor it creates (outputs, losses) is disposed when
/// the step ends. Nothing here waits for the device: losses and metrics are summed where they are computed.
/// </remarks>
public sealed class StepContext
{
    private readonly Engine.StepServices _services;

    internal StepContext(Engine.StepServices services, IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor> targets, long batchSize, int batch, bool training)
    {
        _services = services;
        Inputs = inputs;
        Targets = targets;
        BatchSize = batchSize;
        Batch = batch;
        IsTraining = training;
    }

    /// <summary>The model.</summary>
    public Trainer Model => _services.Model;

    /// <summary>One tensor per model input, batch first, on the model's device.</summary>
    public IReadOnlyList<Tensor> Inputs { get; }

    /// <summary>One tensor per model output, batch first, on the model's device.</summary>
    public IReadOnlyList<Tensor> Targets { get; }

    /// <summary>The input of a single-input model.</summary>
    public Tensor Input => Inputs.Count == 1 ? Inputs[0] : throw new InvalidOperationException($"The batch has {Inputs.Count} inputs; use Inputs.");

    /// <summary>The target of a single-output model.</summary>
    public Tensor Target => Targets.Count == 1 ? Targets[0] : throw new InvalidOperationException($"The batch has {Targets.Count} targets; use Targets.");

    /// <summary>Samples in the batch (in this process).</summary>
    public long BatchSize { get; }

    /// <summary>Zero-based index of the batch in its epoch (or evaluation).</summary>
    public int Batch { get; }

    /// <summary>True in <c>Fit</c>'s training steps; false in evaluation.</summary>
    public bool IsTraining { get; }

    /// <summary>The TorchSharp optimizer (its parameter groups hold the learning rates in force).</summary>
    public torch.optim.Optimizer Optimizer => Model.TorchOptimizer!;

    /// <summary>
    /// The compiled objective for <paramref name="outputs"/> against this batch's targets (class weights applied in
    /// training); with several outputs, each output's loss is also recorded for the logs (<c>{output}_loss</c>).
    /// </summary>
    public Tensor ComputeLoss(IReadOnlyList<Tensor> outputs)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        return _services.ComputeLoss(this, outputs);
    }

    /// <summary>
    /// Backpropagates <paramref name="loss"/>: divided by the number of batches in the current accumulation window and
    /// multiplied by the loss scale (float16 mixed precision), gradients are added to the weights' <c>.grad</c>.
    /// </summary>
    public void Backward(Tensor loss)
    {
        ArgumentNullException.ThrowIfNull(loss);
        RequireTraining(nameof(Backward));
        _services.Backward(loss);
    }

    /// <summary>
    /// At the end of an accumulation window: averages the gradients across processes, unscales them, clips them,
    /// skips the update when any is not finite (float16 loss scaling), steps the optimizer and clears the gradients.
    /// Before the end of the window it does nothing.
    /// </summary>
    /// <returns>Whether the optimizer stepped.</returns>
    public bool ApplyGradients()
    {
        RequireTraining(nameof(ApplyGradients));
        return _services.ApplyGradients(this);
    }

    /// <summary>Clears every weight's gradient (for steps that backpropagate more than once, such as sharpness-aware minimisation).</summary>
    public void ZeroGradients()
    {
        RequireTraining(nameof(ZeroGradients));
        Optimizer.zero_grad();
    }

    /// <summary>Adds the batch's <paramref name="loss"/> and the compiled metrics of <paramref name="outputs"/> to the running figures of the epoch.</summary>
    public void Record(Tensor loss, IReadOnlyList<Tensor> outputs)
    {
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(outputs);
        _services.Record(this, loss, outputs);
    }

    private void RequireTraining(string method)
    {
        if (!IsTraining) throw new InvalidOperationException($"{method} is only available in a training step (Fit), not in evaluation.");
    }
}
