namespace Imguard.Platform.Tests;

/// <summary>Marks a test class that runs its base class's tests on PostgreSQL.</summary>
public interface IPostgresTests;
