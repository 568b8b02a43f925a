using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Imguard.Platform.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AuditCheckpointCopies : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "audit_checkpoint_copies",
                columns: table => new
                {
                    sequence = table.Column<long>(type: "INTEGER", nullable: false),
                    signed_at = table.Column<long>(type: "INTEGER", nullable: false),
                    chain_hash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    key_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    signature = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    previous_sequence = table.Column<long>(type: "INTEGER", nullable: true),
                    previous_digest = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    policy_interval = table.Column<int>(type: "INTEGER", nullable: true),
                    policy_period_microseconds = table.Column<long>(type: "INTEGER", nullable: true),
                    received_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_audit_checkpoint_copies", x => x.sequence);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "audit_checkpoint_copies");
        }
    }
}
