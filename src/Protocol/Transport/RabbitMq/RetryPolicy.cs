using System.Net.Sockets;
using Polly;
using Polly.Retry;
using RabbitMQ.Client.Exceptions;

namespace FoolingCluster.Protocol.Transport.RabbitMq;

/// <summary>
/// The retry around connecting and publishing: exponential backoff with jitter while the broker is
/// unreachable or a connection is being recovered, bounded by <see cref="RabbitMqOptions.RetryTimeout"/>.
/// </summary>
internal static class RetryPolicy
{
    public static ResiliencePipeline Create(RabbitMqOptions options, string what)
    {
        var builder = new ResiliencePipelineBuilder();
        if (options.RetryTimeout != Timeout.InfiniteTimeSpan)
        {
            builder.AddTimeout(options.RetryTimeout);
        }

        return builder
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = args => ValueTask.FromResult(
                    args.Outcome.Exception is { } ex && IsTransient(ex, args.Context.CancellationToken)),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryBaseDelay,
                MaxDelay = options.RetryMaxDelay,
                MaxRetryAttempts = int.MaxValue,
                OnRetry = args =>
                {
                    options.Log?.Invoke(
                        $"{what} failed ({args.Outcome.Exception?.GetType().Name}: {args.Outcome.Exception?.Message}); " +
                        $"attempt {args.AttemptNumber + 2} in {args.RetryDelay.TotalSeconds:0.0} s");
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }

    /// <summary>Failures a broker restart or a network blip cause; anything else (a returned message, bad credentials) is the caller's.</summary>
    internal static bool IsTransient(Exception ex, CancellationToken cancel) => ex switch
    {
        PublishException publish => !publish.IsReturn,
        BrokerUnreachableException unreachable => unreachable.InnerException is not AuthenticationFailureException,
        AuthenticationFailureException => false,
        ConnectFailureException or OperationInterruptedException => true,
        IOException or SocketException or TimeoutException => true,
        OperationCanceledException => !cancel.IsCancellationRequested,
        _ => false,
    };
}
