using System.CommandLine;
using FoolingCluster.Cli.Commands;
using FoolingCluster.Cli.ModelFiles;
using FoolingCluster.Cli.Output;
using FoolingCluster.Tensors;

namespace FoolingCluster.Cli;

/// <summary>
/// Builds the command tree and runs it, turning user mistakes into a message and exit code 2
/// (never a stack trace) and listing the valid options when an option is unknown.
/// </summary>
public static class FoolingApp
{
    /// <summary>Exit code for success.</summary>
    public const int Success = 0;

    /// <summary>Exit code for a failure that is not the user's input.</summary>
    public const int Failure = 1;

    /// <summary>Exit code of a job stopped by Ctrl-C after saving what it had (128 + SIGINT, as shells report it).</summary>
    public const int Interrupted = 130;

    /// <summary>Exit code of a job stopped by SIGTERM after saving what it had (128 + SIGTERM).</summary>
    public const int Terminated = 143;

    /// <summary>Exit code for bad input: options, config keys, data files, shapes.</summary>
    public const int BadInput = 2;

    /// <summary>The root command with every subcommand.</summary>
    public static RootCommand BuildRoot()
    {
        OnnxRuntimeModel.Register();
        var root = new RootCommand("FoolingCluster: evolve fooling images, attack and defend classifiers.");
        root.Subcommands.Add(RunCommand.Build());
        root.Subcommands.Add(RunCommand.Build(coordinator: true));
        root.Subcommands.Add(WorkerCommand.Build());
        root.Subcommands.Add(ClusterCertificateCommand.Build());
        root.Subcommands.Add(ExportCommand.Build());
        root.Subcommands.Add(TransferCommand.Build());
        root.Subcommands.Add(TrainCommand.Build());
        root.Subcommands.Add(EvalModelCommand.Build());
        root.Subcommands.Add(AbsCommand.Build());
        root.Subcommands.Add(AttackCommand.Build());
        root.Subcommands.Add(EvalRobustnessCommand.Build());
        root.Subcommands.Add(RobustnessTableCommand.Build());
        root.Subcommands.Add(TransferAttackCommand.Build());
        root.Subcommands.Add(RetrainCommand.Build());
        root.Subcommands.Add(BenchCommand.Build());
        root.Subcommands.Add(ExportOnnxCommand.Build());
        return root;
    }

    /// <summary>Parses and runs <paramref name="args"/>.</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        RootCommand root = BuildRoot();
        ParseResult parse = root.Parse(args, new ParserConfiguration());
        IReadOnlyList<string> problems = CommandLineChecks.Problems(parse);
        if (parse.Errors.Count > 0 || problems.Count > 0)
        {
            ParseErrorReport.Write(parse, problems, stderr);
            return BadInput;
        }

        List<string> madeRunFolders = NewRunFolders.Record();
        try
        {
            int exit = parse.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null });
            return exit == Interrupted ? StopSignal.ExitCode : exit;
        }
        catch (Exception ex) when (UserError(ex) is InvalidInputException user)
        {
            NewRunFolders.RemoveUnstarted(madeRunFolders);
            stderr.WriteLine($"error: {user.Message}");
            return BadInput;
        }
        catch (Exception ex) when (FileSystemError.Find(ex) is Exception io)
        {
            NewRunFolders.RemoveUnstarted(madeRunFolders);
            stderr.WriteLine(FileSystemError.Describe(io));
            return BadInput;
        }
        catch (OperationCanceledException)
        {
            stderr.WriteLine("stopped.");
            return StopSignal.Received ? StopSignal.ExitCode : Failure;
        }
        finally
        {
            NewRunFolders.Stop();
        }
    }

    /// <summary>The user-caused error inside <paramref name="ex"/>, looking through wrappers (tasks, parallel loops).</summary>
    private static InvalidInputException? UserError(Exception ex) => ex switch
    {
        InvalidInputException user => user,
        AggregateException agg when agg.InnerExceptions.Count == 1 => UserError(agg.InnerExceptions[0]),
        System.Reflection.TargetInvocationException { InnerException: { } inner } => UserError(inner),
        _ => null,
    };
}
