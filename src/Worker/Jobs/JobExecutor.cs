using FoolingCluster.Evolution.Encodings;
using FoolingCluster.Evolution.Evaluation;
using FoolingCluster.Evolution.Genomes;
using FoolingCluster.Evolution.Genomes.Cppn;
using FoolingCluster.Evolution.Genomes.Direct;
using FoolingCluster.Models.Configuration;
using FoolingCluster.Protocol.Messages;
using FoolingCluster.Tensors;
using FoolingCluster.Worker.Models;

namespace FoolingCluster.Worker.Jobs;

/// <summary>
/// Executes jobs of any run: builds (once per run and model) the encoding's operators and a
/// classifier from the model fetched by its hash, then breeds and evaluates; or, for a slice of
/// a robustness evaluation, attacks the slice's images; or trains one class VAE of an ABS model
/// on the images its job carries (no model to fetch).
/// </summary>
/// <param name="workerId">This worker's id, reported in every result.</param>
/// <param name="models">Where the runs' models come from.</param>
/// <param name="log">Receives a line for each model opened: how it was read and what runs it.</param>
public sealed class JobExecutor(string workerId, IModelSource models, Action<string>? log = null)
{
    private readonly Dictionary<(string Run, string Model), IJobRunner> _runners = [];
    private readonly Dictionary<(string Run, string Model), RobustnessJobRunner> _robustnessRunners = [];

    /// <summary>This worker's id, reported in every result.</summary>
    public string WorkerId => workerId;

    /// <summary>Runs <paramref name="job"/>: a breeding job's result, a robustness slice's, or a trained VAE.</summary>
    /// <exception cref="InvalidJobException">The job or its run description is malformed.</exception>
    /// <exception cref="InvalidInputException">Its model cannot be fetched or does not fit the run.</exception>
    public async ValueTask<WorkerMessage> ExecuteAsync(JobMessage job, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(job);
        RunSpecMessage spec = job.Run ?? throw new InvalidJobException($"job {job.JobId} names no run");
        if (job.VaeTraining is not null)
        {
            if (job.Robustness is not null)
            {
                throw new InvalidJobException($"job {job.JobId} is both a robustness slice and a VAE training job");
            }

            return new WorkerMessage { VaeTraining = VaeTrainingJobRunner.Run(job, workerId, cancel) };
        }

        if (job.Robustness is not null)
        {
            if (!_robustnessRunners.TryGetValue((spec.RunId, spec.ModelSha256), out RobustnessJobRunner? attacker))
            {
                string path = await models.FetchAsync(spec.ModelSha256, spec.ModelUrl, cancel).ConfigureAwait(false);
                attacker = RobustnessJobRunner.Load(spec, path, log);
                _robustnessRunners[(spec.RunId, spec.ModelSha256)] = attacker;
            }

            return new WorkerMessage { Robustness = attacker.Run(job, workerId) };
        }

        if (!_runners.TryGetValue((spec.RunId, spec.ModelSha256), out IJobRunner? runner))
        {
            string path = await models.FetchAsync(spec.ModelSha256, spec.ModelUrl, cancel).ConfigureAwait(false);
            runner = Create(spec, path, log);
            _runners[(spec.RunId, spec.ModelSha256)] = runner;
        }

        return new WorkerMessage { Result = runner.Run(job, workerId) };
    }

    private static IJobRunner Create(RunSpecMessage spec, string modelPath, Action<string>? log)
    {
        var shape = new ImageShape(spec.Channels, spec.Height, spec.Width);
        if (spec.Channels is not (1 or 3) || spec.Height < 1 || spec.Width < 1 || spec.Height * spec.Width > 4096 * 4096)
        {
            throw new InvalidJobException($"run {spec.RunId}: unusable image shape {shape}");
        }

        (_, ModuleClassifier classifier) = JobModel.Load(spec, modelPath, log);
        if (classifier.InputShape != shape || classifier.Classes != spec.Classes)
        {
            throw new InvalidJobException($"run {spec.RunId} draws {shape} images for {spec.Classes} classes; its model reads {classifier.InputShape} with {classifier.Classes} classes");
        }

        try
        {
            return spec.Encoding switch
            {
                CppnEncoding.EncodingName => Runner(new CppnEncoding(shape, StrictJson.Parse<CppnSettings>(spec.SettingsJson, $"run {spec.RunId} settings")), classifier),
                DirectEncoding.EncodingName => Runner(new DirectEncoding(shape, StrictJson.Parse<DirectSettings>(spec.SettingsJson, $"run {spec.RunId} settings")), classifier),
                _ => throw new InvalidJobException($"run {spec.RunId} uses an unknown encoding '{spec.Encoding}'"),
            };
        }
        catch (ConfigException ex)
        {
            throw new InvalidJobException(ex.Message);
        }
    }

    private static IJobRunner Runner<TGenome>(IEncoding<TGenome> encoding, ModuleClassifier classifier) =>
        new JobRunner<TGenome>(encoding, new Evaluator<TGenome>(encoding.Decoder, classifier));
}
