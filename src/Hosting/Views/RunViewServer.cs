using Akka.Actor;
using FoolingCluster.Coordinator.Http;
using FoolingCluster.Protocol.Messages;
using FoolingCluster.Tensors;

namespace FoolingCluster.Hosting.Views;

/// <summary>
/// The job board's child that serves the active coordinator's run to the dashboards of other
/// coordinator-role nodes: it answers their queries from the run's view and carries out their
/// buttons on it. It serves nothing until the coordinator hands it the view (<see cref="Serve"/>),
/// which never crosses the network.
/// </summary>
internal sealed class RunViewServer : ReceiveActor
{
    private IRunView? _view;

    public RunViewServer()
    {
        Receive<Serve>(serve => _view = serve.View);
        Receive<RunViewQuery>(query => Sender.Tell(RunViewAnswer.To(query, _view)));
        Receive<RunControlRequest>(Control);
        Receive<RunExportRequest>(Export);
    }

    public static Props Props() => Akka.Actor.Props.Create(() => new RunViewServer());

    private void Control(RunControlRequest request)
    {
        if (_view is not IRunView view)
        {
            Sender.Tell(new RunControlReply { Error = "the active coordinator serves no run yet" });
            return;
        }

        if (RunControls.Of(view, request.Action) is not Action act)
        {
            Sender.Tell(new RunControlReply { Error = $"unknown control '{request.Action}'; valid: {RunControls.Names}" });
            return;
        }

        act();
        Sender.Tell(new RunControlReply { State = view.Current.State });
    }

    private void Export(RunExportRequest request)
    {
        if (_view is not IRunView view)
        {
            Sender.Tell(new RunExportReply { Error = "the active coordinator serves no run yet" });
            return;
        }

        // Writing an export reads the run folder and takes seconds: off the board's thread.
        float? allAbove = request.HasAllAbove ? request.AllAbove : null;
        Task.Run(() =>
        {
            try
            {
                return new RunExportReply { Folder = view.Export(request.Name, allAbove) };
            }
            catch (InvalidInputException ex)
            {
                return new RunExportReply { Error = ex.Message, BadInput = true };
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return new RunExportReply { Error = ex.Message };
            }
        }).PipeTo(Sender);
    }

    /// <summary>Serve <paramref name="View"/> from now on (sent within the active coordinator's process only).</summary>
    internal sealed record Serve(IRunView View);
}
