-- Scoped metrics walk reporting lines down by manager (../0007_scope.sql).
CREATE INDEX reporting_history_manager ON reporting_history (manager_id, person_id);
