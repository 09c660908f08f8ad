using Polly;
using Polly.Retry;
using Polly.Timeout;
using RabbitMQ.Client.Exceptions;

namespace FoolingCluster.Protocol.Transport.RabbitMq;

/// <summary>
/// Connecting for the first time: retried with backoff for <see cref="RabbitMqOptions.ConnectTimeout"/>
/// (a broker still starting is waited for), saying once what is wrong and for how long it tries, then
/// given up with <see cref="BrokerUnavailableException"/>. A connection that was up and is lost is
/// recovered by the client instead, for as long as it takes.
/// </summary>
internal static class FirstConnection
{
    /// <summary>Runs <paramref name="connect"/> until it succeeds, fails for good, or the time is up.</summary>
    public static async Task<T> OpenAsync<T>(RabbitMqOptions options, Func<CancellationToken, ValueTask<T>> connect, CancellationToken cancel)
    {
        string address = new UriBuilder(options.Uri) { Password = string.Empty }.Uri.ToString();
        string limit = options.ConnectTimeout == Timeout.InfiniteTimeSpan ? "until stopped" : $"for {options.ConnectTimeout.TotalSeconds:0.#} s";
        string? reason = null;
        var builder = new ResiliencePipelineBuilder();
        if (options.ConnectTimeout != Timeout.InfiniteTimeSpan)
        {
            builder.AddTimeout(options.ConnectTimeout);
        }

        ResiliencePipeline pipeline = builder
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = args => ValueTask.FromResult(
                    args.Outcome.Exception is { } ex && RetryPolicy.IsTransient(ex, args.Context.CancellationToken)),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryBaseDelay,
                MaxDelay = options.RetryMaxDelay,
                MaxRetryAttempts = int.MaxValue,
                OnRetry = args =>
                {
                    string now = Reason(args.Outcome.Exception);
                    if (now != reason)
                    {
                        options.Log?.Invoke($"cannot reach the broker at {address} ({now}); retrying {limit}…");
                        reason = now;
                    }

                    return ValueTask.CompletedTask;
                },
            })
            .Build();
        try
        {
            return await pipeline.ExecuteAsync(connect, cancel).ConfigureAwait(false);
        }
        catch (TimeoutRejectedException ex)
        {
            throw new BrokerUnavailableException($"cannot reach the broker at {address} ({reason ?? "no answer"}); gave up after {options.ConnectTimeout.TotalSeconds:0.#} s", ex);
        }
        catch (Exception ex) when (ex is BrokerUnreachableException or AuthenticationFailureException or OperationInterruptedException)
        {
            throw new BrokerUnavailableException($"cannot connect to the broker at {address} ({Reason(ex)})", ex);
        }
    }

    /// <summary>The innermost cause, which names what went wrong ("connection refused"), not the layers above it.</summary>
    private static string Reason(Exception? ex)
    {
        if (ex is null)
        {
            return "no answer";
        }

        while (ex.InnerException is not null)
        {
            ex = ex.InnerException;
        }

        string message = ex.Message.TrimEnd('.');
        return message.Length > 0 && char.IsUpper(message[0]) && (message.Length == 1 || !char.IsUpper(message[1]))
            ? char.ToLowerInvariant(message[0]) + message[1..]
            : message;
    }
}
