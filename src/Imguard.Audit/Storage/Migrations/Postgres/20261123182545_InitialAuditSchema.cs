using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Imguard.Audit.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class InitialAuditSchema : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "audit_checkpoints",
                columns: table => new
                {
                    sequence = table.Column<long>(type: "bigint", nullable: false),
                    timestamp_us = table.Column<long>(type: "bigint", nullable: false),
                    chain_hash = table.Column<byte[]>(type: "bytea", nullable: false),
                    key_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    signature = table.Column<byte[]>(type: "bytea", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_audit_checkpoints", x => x.sequence);
                });

            migrationBuilder.CreateTable(
                name: "audit_records",
                columns: table => new
                {
                    sequence = table.Column<long>(type: "bigint", nullable: false),
                    timestamp_us = table.Column<long>(type: "bigint", nullable: false),
                    event_type = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    actor = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    properties_json = table.Column<string>(type: "text", nullable: false),
                    previous_hash = table.Column<byte[]>(type: "bytea", nullable: false),
                    record_hash = table.Column<byte[]>(type: "bytea", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_audit_records", x => x.sequence);
                });

            migrationBuilder.CreateTable(
                name: "audit_record_subjects",
                columns: table => new
                {
                    record_sequence = table.Column<long>(type: "bigint", nullable: false),
                    position = table.Column<int>(type: "integer", nullable: false),
                    subject_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_audit_record_subjects", x => new { x.record_sequence, x.position });
                    table.ForeignKey(
                        name: "fk_audit_record_subjects_record",
                        column: x => x.record_sequence,
                        principalTable: "audit_records",
                        principalColumn: "sequence",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_audit_record_subjects_subject_id",
                table: "audit_record_subjects",
                columns: new[] { "subject_id", "record_sequence" });

            migrationBuilder.CreateIndex(
                name: "ix_audit_records_actor",
                table: "audit_records",
                column: "actor");

            migrationBuilder.CreateIndex(
                name: "ix_audit_records_event_type",
                table: "audit_records",
                column: "event_type");

            migrationBuilder.CreateIndex(
                name: "ix_audit_records_timestamp_us",
                table: "audit_records",
                column: "timestamp_us");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "audit_checkpoints");

            migrationBuilder.DropTable(
                name: "audit_record_subjects");

            migrationBuilder.DropTable(
                name: "audit_records");
        }
    }
}
