using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using FoolingCluster.Hosting.Nodes;
using FoolingCluster.Protocol.Messages;
using FoolingCluster.Tensors;
using FoolingCluster.Tests.Shared;
using FoolingCluster.Worker.Transport;
using Xunit;

namespace FoolingCluster.Hosting.Tests;

/// <summary>Nodes sharing the cluster's certificate talk over mutual TLS; a node with another certificate is not let in.</summary>
public sealed class TlsClusterTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Nodes_with_the_cluster_certificate_join_and_exchange_jobs_over_tls()
    {
        using X509Certificate2 certificate = ClusterTls.Create();
        using var stop = new CancellationTokenSource(Wait);
        var listen = new NodeAddress("127.0.0.1", FreePorts.Loopback());
        await using CoordinatorNode coordinator = await CoordinatorNode.StartAsync(new NodeSettings(listen, []) { Certificate = certificate }, Wait, null, stop.Token);
        await using WorkerNode workers = await WorkerNode.StartAsync(new NodeSettings(NodeAddress.LoopbackAnyPort, [coordinator.Address]) { Certificate = certificate }, Wait, Wait, null, stop.Token);
        await using IWorkerTransport worker = workers.Worker("tls-1");

        await coordinator.Coordinator.PublishJobAsync(new JobMessage { JobId = 5, Run = new RunSpecMessage { RunId = "run" } }, stop.Token);
        await using IAsyncEnumerator<IDelivery<JobMessage>> jobs = worker.ReceiveJobsAsync(1, stop.Token).GetAsyncEnumerator(stop.Token);
        Assert.True(await jobs.MoveNextAsync());
        Assert.Equal(5, jobs.Current.Message.JobId);
    }

    [Fact]
    public async Task A_node_with_another_certificate_cannot_join()
    {
        using X509Certificate2 cluster = ClusterTls.Create();
        using X509Certificate2 stranger = ClusterTls.Create();
        using var stop = new CancellationTokenSource(Wait);
        var listen = new NodeAddress("127.0.0.1", FreePorts.Loopback());
        await using CoordinatorNode coordinator = await CoordinatorNode.StartAsync(new NodeSettings(listen, []) { Certificate = cluster }, Wait, null, stop.Token);

        var ex = await Assert.ThrowsAsync<InvalidInputException>(() => WorkerNode.StartAsync(new NodeSettings(NodeAddress.LoopbackAnyPort, [coordinator.Address]) { Certificate = stranger }, TimeSpan.FromSeconds(8), Wait, null, stop.Token));
        Assert.Contains("could not join", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_certificate_file_round_trips_and_bad_files_are_refused_by_name()
    {
        using var folder = new TempDirectory();
        using X509Certificate2 made = ClusterTls.Create();
        string path = Path.Combine(folder.Path, "cluster.pfx");
        File.WriteAllBytes(path, made.Export(X509ContentType.Pkcs12, "secret"));

        using X509Certificate2 loaded = ClusterTls.Load(path, "secret");
        Assert.Equal(made.Thumbprint, loaded.Thumbprint);
        Assert.True(loaded.HasPrivateKey);

        Assert.Contains("this password", Assert.Throws<InvalidInputException>(() => ClusterTls.Load(path, "wrong")).Message, StringComparison.Ordinal);
        Assert.Contains("cluster-certificate", Assert.Throws<InvalidInputException>(() => ClusterTls.Load(Path.Combine(folder.Path, "none.pfx"), null)).Message, StringComparison.Ordinal);
        string publicOnly = Path.Combine(folder.Path, "public.cer");
        File.WriteAllBytes(publicOnly, made.Export(X509ContentType.Cert));
        Assert.Throws<InvalidInputException>(() => ClusterTls.Load(publicOnly, null));
    }

}
