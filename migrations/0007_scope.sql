-- Scoped metrics: a manager's own numbers, a leader's report on their part
-- of the tree and the App Home read only the people below one person. They
-- are found by walking reporting lines down, one level at a time, by the
-- manager named in them: the roster's now (people_manager) and every line
-- of the history, which this index answers without reading the table.
CREATE INDEX reporting_history_manager ON reporting_history (manager_id, person_id);
