-- registre, migration 5: how a load was meant (a complete snapshot, one the
-- converter left incomplete, a complement, a replay), the ends an operator
-- forced, and the rejected rows kept so that they can be replayed once the
-- reference data they lacked exists (registre reprendre).

SET LOCAL ROLE cesutg_owner;
SET LOCAL search_path = cesutg;

ALTER TABLE ingestion
    ADD portee text NOT NULL DEFAULT 'complet'
	CHECK (portee IN ('complet', 'incomplet', 'complement', 'reprise')),
    ADD fins_forcees boolean NOT NULL DEFAULT false,
    ADD reprise_de bigint REFERENCES ingestion,
    ADD CHECK ((portee = 'reprise') = (reprise_de IS NOT NULL));
CREATE INDEX ingestion_reprise ON ingestion (reprise_de)
    WHERE reprise_de IS NOT NULL;
CREATE INDEX ingestion_kind_date ON ingestion (kind, date_donnees);

-- Every rejected row, with its reason; valeurs holds the row as staged when
-- a ledger rule rejected it (a replay may accept it), null when its own
-- values or a repeated key did (a replay would reject it again).
CREATE TABLE rejet (
	ingestion bigint NOT NULL REFERENCES ingestion,
	ligne bigint NOT NULL,
	motif text NOT NULL,
	valeurs jsonb,
	PRIMARY KEY (ingestion, ligne)
);
SELECT brancher('rejet', 'cle');
GRANT SELECT, INSERT ON rejet TO cesutg_loader;

INSERT INTO param (nom, valeur, motif, description) VALUES
    ('fin_plans_max_pct', '5', '^[0-9]{1,2}(\.[0-9]{1,2})?$|^100$',
	'A4, A5 : part des plans en cours (en %) qu''un instantané de plans peut terminer ; au-delà il est refusé sauf --accepter-fins');
