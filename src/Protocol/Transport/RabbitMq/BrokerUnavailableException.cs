namespace FoolingCluster.Protocol.Transport.RabbitMq;

/// <summary>
/// The broker could not be reached within <see cref="RabbitMqOptions.ConnectTimeout"/>, or it
/// refused the connection (bad credentials, unknown virtual host); the message names the address
/// (without its password) and the reason.
/// </summary>
public sealed class BrokerUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
