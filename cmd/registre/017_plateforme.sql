-- registre, migration 17: the CASVP platforms. Annex 2: "la validation des
-- factures sera bien faite par les gestionnaires de plateforme (4 plates
-- formes), et non par les sections d'arrondissement". A platform's login
-- reads and validates, at the SAD's step, the pre-invoice lines of the
-- SADs whose plateforme (migration 6) is its own; a section's own login
-- still reads its lines but no longer validates them.

DO $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_roles
	    WHERE rolname = 'cesutg_plateforme') THEN
		CREATE ROLE cesutg_plateforme NOLOGIN;
	END IF;
END $$;
GRANT USAGE ON SCHEMA cesutg TO cesutg_plateforme;
SET LOCAL ROLE cesutg_owner;
SET LOCAL search_path = cesutg;

-- Platform logins, declared like SADs and agents, so that import recreates
-- them; every change traced row by row.
CREATE TABLE acces_plateforme (
	role name PRIMARY KEY,
	plateforme text NOT NULL CHECK (plateforme <> '')
);
SELECT brancher('acces_plateforme', 'aucun');
CREATE TRIGGER acces_plateforme_audit AFTER INSERT OR UPDATE OR DELETE
    ON acces_plateforme FOR EACH ROW EXECUTE FUNCTION audit_ligne();
CREATE TRIGGER acces_plateforme_tete AFTER INSERT OR UPDATE OR DELETE
    ON acces_plateforme FOR EACH STATEMENT EXECUTE FUNCTION audit_tete_maj();

-- What a platform reads: its own access row, its sections, their plans
-- (the pre-invoice names the plan line) and their pre-invoice.
GRANT SELECT ON acces_plateforme, version_schema, sad, plan, prefacture,
    prefacture_visite TO cesutg_plateforme;
GRANT UPDATE (statut, validee_sad_par, validee_sad_le) ON prefacture
    TO cesutg_plateforme;
CREATE POLICY soi ON acces_plateforme FOR SELECT TO cesutg_plateforme
    USING (role = current_user);
CREATE POLICY plateforme ON version_schema FOR SELECT TO cesutg_plateforme
    USING (true);
CREATE POLICY plateforme ON sad FOR SELECT TO cesutg_plateforme
    USING (plateforme IN (SELECT a.plateforme FROM acces_plateforme a
	WHERE a.role = current_user));
CREATE POLICY plateforme ON plan FOR SELECT TO cesutg_plateforme
    USING (code_tiers_salsa IN (SELECT s.code FROM sad s
	JOIN acces_plateforme a ON a.plateforme = s.plateforme
	WHERE a.role = current_user));
CREATE POLICY plateforme ON prefacture FOR SELECT TO cesutg_plateforme
    USING (code_sad IN (SELECT s.code FROM sad s
	JOIN acces_plateforme a ON a.plateforme = s.plateforme
	WHERE a.role = current_user));
-- The SAD's step for its sections, never the Département's.
CREATE POLICY plateforme_valide ON prefacture FOR UPDATE TO cesutg_plateforme
    USING (code_sad IN (SELECT s.code FROM sad s
	JOIN acces_plateforme a ON a.plateforme = s.plateforme
	WHERE a.role = current_user)
	AND statut IN ('calculee', 'validee_sad'))
    WITH CHECK (code_sad IN (SELECT s.code FROM sad s
	JOIN acces_plateforme a ON a.plateforme = s.plateforme
	WHERE a.role = current_user)
	AND statut IN ('calculee', 'validee_sad'));
CREATE POLICY plateforme ON prefacture_visite FOR SELECT TO cesutg_plateforme
    USING (prefacture IN (SELECT id FROM prefacture));

-- A section (a SAD with a plateforme) reads its lines, as before, but its
-- own login no longer validates nor devalidates them.
DROP POLICY sad_valide ON prefacture;
CREATE POLICY sad_valide ON prefacture FOR UPDATE TO cesutg_sad
    USING (code_sad IN (SELECT a.code_sad FROM acces_sad a JOIN sad s
	ON s.code = a.code_sad WHERE a.role = current_user
	AND s.plateforme IS NULL)
	AND statut IN ('calculee', 'validee_sad'))
    WITH CHECK (code_sad IN (SELECT a.code_sad FROM acces_sad a JOIN sad s
	ON s.code = a.code_sad WHERE a.role = current_user
	AND s.plateforme IS NULL)
	AND statut IN ('calculee', 'validee_sad'));
