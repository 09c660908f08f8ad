using Akka.Hosting;
using Akka.Persistence.Sql.Hosting;
using FoolingCluster.Tensors;
using LinqToDB;

namespace FoolingCluster.Hosting.Persistence;

/// <summary>
/// Where runs' journals and snapshots are kept: a SQLite file (one machine: the embedded run's
/// default, in its run folder) or a PostgreSQL database (several coordinator-role nodes, so a
/// standby can take over). Tables are created on first use.
/// </summary>
public sealed record JournalStore
{
    private JournalStore(string connectionString, string provider, string description, string? address = null)
    {
        ConnectionString = connectionString;
        Provider = provider;
        Description = description;
        Address = address;
    }

    /// <summary>The ADO.NET connection string.</summary>
    public string ConnectionString { get; }

    /// <summary>The Linq2Db provider name.</summary>
    public string Provider { get; }

    /// <summary>Where it is, for log lines (no password).</summary>
    public string Description { get; }

    /// <summary>The address to give <c>--journal</c> for this store (no password); null for a SQLite file.</summary>
    public string? Address { get; }

    /// <summary>A SQLite database in the file at <paramref name="path"/> (created on first use).</summary>
    /// <exception cref="InvalidInputException">The file exists and is not a SQLite database.</exception>
    public static JournalStore Sqlite(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (File.Exists(path) && new FileInfo(path).Length > 0)
        {
            // SQLite's own error for a damaged file comes only after the journal's recovery has failed.
            Span<byte> header = stackalloc byte[16];
            using (FileStream file = File.OpenRead(path))
            {
                if (file.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) < header.Length || !header.SequenceEqual("SQLite format 3\0"u8))
                {
                    throw new InvalidInputException($"{path} is not a SQLite database: the run's journal is damaged or was replaced, so the run cannot be resumed from it");
                }
            }
        }

        return new JournalStore($"Data Source={Path.GetFullPath(path)};Pooling=false", ProviderName.SQLiteMS, $"SQLite file {path}");
    }

    /// <summary>
    /// A PostgreSQL database from a URL, <c>postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE</c>;
    /// the password may instead come from <c>PGPASSWORD</c>.
    /// </summary>
    /// <exception cref="InvalidInputException">The URL is malformed.</exception>
    public static JournalStore Postgres(string url, string option = "--journal")
    {
        ArgumentNullException.ThrowIfNull(url);
        const string Example = "postgres://fooling@10.0.0.5:5432/fooling";
        if (!Uri.TryCreate(url, UriKind.Absolute, out Uri? uri) || uri.Scheme is not ("postgres" or "postgresql") || uri.Host.Length == 0)
        {
            throw new InvalidInputException($"{option} must be a PostgreSQL address such as {Example} (got '{url}')");
        }

        string database = uri.AbsolutePath.Trim('/');
        if (database.Length == 0 || database.Contains('/', StringComparison.Ordinal))
        {
            throw new InvalidInputException($"{option} names no database, e.g. {Example} (got '{url}')");
        }

        string[] user = Uri.UnescapeDataString(uri.UserInfo).Split(':', 2);
        var builder = new Npgsql.NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.Port > 0 ? uri.Port : 5432,
            Database = database,
            Username = user[0].Length > 0 ? user[0] : null,
            Password = user.Length > 1 ? user[1] : Environment.GetEnvironmentVariable("PGPASSWORD"),
        };
        string address = $"postgres://{(user[0].Length > 0 ? Uri.EscapeDataString(user[0]) + "@" : "")}{uri.Host}:{builder.Port}/{database}";
        return new JournalStore(builder.ConnectionString, ProviderName.PostgreSQL15, $"PostgreSQL database {database} on {uri.Host}:{builder.Port}", address);
    }

    /// <summary>Adds this store as the actor system's journal and snapshot store.</summary>
    public AkkaConfigurationBuilder AddTo(AkkaConfigurationBuilder builder) =>
        builder.WithSqlPersistence(ConnectionString, Provider, autoInitialize: true);
}
