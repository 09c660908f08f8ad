using Xunit;

namespace FoolingCluster.Protocol.Tests;

/// <summary>A fact that needs a real RabbitMQ server; reported as skipped, with the reason, where none is installed.</summary>
public sealed class RabbitMqFactAttribute : FactAttribute
{
    public RabbitMqFactAttribute()
    {
        if (RabbitMqBroker.ServerPath is null)
        {
            Skip = "rabbitmq-server is not installed (apt-get install rabbitmq-server, or put rabbitmq-server on PATH)";
        }
    }
}
