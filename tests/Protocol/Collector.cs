using System.Threading.Channels;

namespace FoolingCluster.Protocol.Tests;

/// <summary>Reads an async stream in the background, so a test can wait for the next item with a timeout or see that none came.</summary>
internal sealed class Collector<T> : IAsyncDisposable
{
    private readonly Channel<T> _items = Channel.CreateUnbounded<T>();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _pump;

    public Collector(IAsyncEnumerable<T> source)
    {
        _pump = Task.Run(async () =>
        {
            try
            {
                await foreach (T item in source.WithCancellation(_stop.Token))
                {
                    _items.Writer.TryWrite(item);
                }

                _items.Writer.TryComplete();
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                _items.Writer.TryComplete();
            }
            catch (Exception ex)
            {
                _items.Writer.TryComplete(ex);
            }
        });
    }

    /// <summary>The next item; fails if none comes within <paramref name="timeout"/>.</summary>
    public async Task<T> NextAsync(TimeSpan timeout)
    {
        try
        {
            return await _items.Reader.ReadAsync().AsTask().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"nothing received within {timeout.TotalSeconds:0.#} s");
        }
    }

    /// <summary>Waits <paramref name="wait"/> and returns what arrived meanwhile, without blocking for more.</summary>
    public async Task<List<T>> DrainAfterAsync(TimeSpan wait)
    {
        await Task.Delay(wait);
        var items = new List<T>();
        while (_items.Reader.TryRead(out T? item))
        {
            items.Add(item);
        }

        return items;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _pump;
        _stop.Dispose();
    }
}
