/**
 * Words of the synthetic catalogue, in the generator's locales. Titles of trainings and sessions are
 * composed from these so that their translations are real translations; people's names come from
 * Faker.
 */

export const LOCALES = ['en', 'fr', 'de', 'es', 'it'] as const;
export type Locale = (typeof LOCALES)[number];
export type Localised = Record<Locale, string>;

const l = (en: string, fr: string, de: string, es: string, it: string): Localised => ({ en, fr, de, es, it });

/** Training topics, translated. A few carry characters that exports must escape. */
export const TOPICS: readonly Localised[] = [
  l(
    'Cybersecurity basics',
    'Les bases de la cybersécurité',
    'Grundlagen der Cybersicherheit',
    'Fundamentos de ciberseguridad',
    'Basi di sicurezza informatica',
  ),
  l(
    'Health & Safety at work',
    'Santé & sécurité au travail',
    'Arbeitsschutz & Gesundheit',
    'Salud y seguridad en el trabajo',
    'Salute & sicurezza sul lavoro',
  ),
  l(
    'GDPR and data protection',
    'RGPD et protection des données',
    'DSGVO und Datenschutz',
    'RGPD y protección de datos',
    'GDPR e protezione dei dati',
  ),
  l(
    'Leading remote teams',
    'Manager des équipes à distance',
    'Remote-Teams führen',
    'Liderar equipos remotos',
    'Guidare team da remoto',
  ),
  l(
    'Negotiation skills',
    'Techniques de négociation',
    'Verhandlungstechniken',
    'Técnicas de negociación',
    'Tecniche di negoziazione',
  ),
  l('Time management', 'Gestion du temps', 'Zeitmanagement', 'Gestión del tiempo', 'Gestione del tempo'),
  l(
    'Excel: pivot tables',
    'Excel : tableaux croisés dynamiques',
    'Excel: Pivot-Tabellen',
    'Excel: tablas dinámicas',
    'Excel: tabelle pivot',
  ),
  l(
    'Anti-corruption compliance',
    'Conformité anticorruption',
    'Compliance: Korruptionsbekämpfung',
    'Cumplimiento anticorrupción',
    'Conformità anticorruzione',
  ),
  l('Customer experience', 'Expérience client', 'Kundenerlebnis', 'Experiencia del cliente', 'Esperienza del cliente'),
  l(
    'Project management fundamentals',
    'Fondamentaux de la gestion de projet',
    'Grundlagen des Projektmanagements',
    'Fundamentos de gestión de proyectos',
    'Fondamenti di project management',
  ),
  l('Agile & Scrum', 'Agilité & Scrum', 'Agilität & Scrum', 'Agilidad y Scrum', 'Agile & Scrum'),
  l('Effective feedback', 'Le feedback efficace', 'Wirksames Feedback', 'Feedback eficaz', 'Feedback efficace'),
  l(
    'Diversity and inclusion',
    'Diversité et inclusion',
    'Vielfalt und Inklusion',
    'Diversidad e inclusión',
    'Diversità e inclusione',
  ),
  l('Public speaking', 'Prise de parole en public', 'Öffentliches Reden', 'Hablar en público', 'Parlare in pubblico'),
  l(
    'Financial literacy for managers',
    'Finance pour managers',
    'Finanzwissen für Führungskräfte',
    'Finanzas para directivos',
    'Finanza per manager',
  ),
  l(
    'Onboarding: welcome to the company',
    "Intégration : bienvenue dans l'entreprise",
    'Onboarding: Willkommen im Unternehmen',
    'Incorporación: bienvenido a la empresa',
    'Onboarding: benvenuti in azienda',
  ),
  l('First aid', 'Premiers secours', 'Erste Hilfe', 'Primeros auxilios', 'Primo soccorso'),
  l('Fire safety', 'Sécurité incendie', 'Brandschutz', 'Seguridad contra incendios', 'Sicurezza antincendio'),
  l(
    'Sales prospecting',
    'Prospection commerciale',
    'Vertriebsakquise',
    'Prospección comercial',
    'Prospezione commerciale',
  ),
  l(
    'Data analysis with Python',
    'Analyse de données avec Python',
    'Datenanalyse mit Python',
    'Análisis de datos con Python',
    'Analisi dei dati con Python',
  ),
  l(
    'Writing clear e-mails',
    'Rédiger des e-mails clairs',
    'Klare E-Mails schreiben',
    'Redactar correos claros',
    'Scrivere e-mail chiare',
  ),
  l('Stress management', 'Gestion du stress', 'Stressbewältigung', 'Gestión del estrés', 'Gestione dello stress'),
  l(
    'Cloud computing essentials',
    'Les essentiels du cloud',
    'Cloud-Grundlagen',
    'Fundamentos de la nube',
    'Fondamenti del cloud',
  ),
  l(
    'Conflict resolution',
    'Gestion des conflits',
    'Konfliktlösung',
    'Resolución de conflictos',
    'Gestione dei conflitti',
  ),
  l(
    'Sustainable development "in practice"',
    'Le développement durable « en pratique »',
    'Nachhaltigkeit „in der Praxis“',
    'Desarrollo sostenible «en la práctica»',
    'Sviluppo sostenibile «in pratica»',
  ),
  l(
    'Coaching your team',
    'Coacher son équipe',
    'Das eigene Team coachen',
    'Coaching de equipos',
    'Fare coaching al proprio team',
  ),
  l(
    'Product knowledge: range 2024',
    'Connaissance produit : gamme 2024',
    'Produktwissen: Sortiment 2024',
    'Conocimiento del producto: gama 2024',
    'Conoscenza del prodotto: gamma 2024',
  ),
  l(
    'Accessibility (a11y) for web teams',
    'Accessibilité (a11y) pour les équipes web',
    'Barrierefreiheit (a11y) für Webteams',
    'Accesibilidad (a11y) para equipos web',
    'Accessibilità (a11y) per i team web',
  ),
];

/** Title patterns; `{t}` is the topic. Index 0 is the plain topic. */
export const TITLE_PATTERNS: Record<Locale, readonly string[]> = {
  en: ['{t}', '{t}: the essentials', '{t} — advanced level', '{t} in practice', 'Introduction to {t}'],
  fr: ['{t}', "{t} : l'essentiel", '{t} — niveau avancé', '{t} en pratique', 'Introduction : {t}'],
  de: ['{t}', '{t}: das Wichtigste', '{t} — Fortgeschrittene', '{t} in der Praxis', 'Einführung: {t}'],
  es: ['{t}', '{t}: lo esencial', '{t} — nivel avanzado', '{t} en la práctica', 'Introducción: {t}'],
  it: ['{t}', "{t}: l'essenziale", '{t} — livello avanzato', '{t} in pratica', 'Introduzione: {t}'],
};

/** "Session", "Cohort", "Class" labels of session titles. */
export const SESSION_WORDS: Record<Locale, { session: string; cohort: string; class: string }> = {
  en: { session: 'Session', cohort: 'Cohort', class: 'Class' },
  fr: { session: 'Session', cohort: 'Promotion', class: 'Classe' },
  de: { session: 'Sitzung', cohort: 'Jahrgang', class: 'Kurs' },
  es: { session: 'Sesión', cohort: 'Promoción', class: 'Clase' },
  it: { session: 'Sessione', cohort: 'Edizione', class: 'Classe' },
};

export const CITIES = [
  'Paris',
  'Lyon',
  'Berlin',
  'München',
  'Madrid',
  'Barcelona',
  'Milano',
  'Roma',
  'London',
  'Bruxelles',
  'Zürich',
  'Lisboa',
];

/** Activity titles by type; `{n}` is a number within the session. */
export const ACTIVITY_TITLES: Record<string, Record<Locale, readonly string[]>> = {
  learning_resource: {
    en: [
      'Module {n}: key concepts',
      'Video: getting started',
      'Reading: the essentials',
      'Module {n}: case study',
      'Podcast episode {n}',
      'Interactive lesson {n}',
    ],
    fr: [
      'Module {n} : notions clés',
      'Vidéo : pour commencer',
      "Lecture : l'essentiel",
      'Module {n} : étude de cas',
      'Épisode de podcast {n}',
      'Leçon interactive {n}',
    ],
    de: [
      'Modul {n}: Grundbegriffe',
      'Video: Erste Schritte',
      'Lektüre: das Wichtigste',
      'Modul {n}: Fallstudie',
      'Podcast-Folge {n}',
      'Interaktive Lektion {n}',
    ],
    es: [
      'Módulo {n}: conceptos clave',
      'Vídeo: primeros pasos',
      'Lectura: lo esencial',
      'Módulo {n}: caso práctico',
      'Episodio de pódcast {n}',
      'Lección interactiva {n}',
    ],
    it: [
      'Modulo {n}: concetti chiave',
      'Video: per iniziare',
      "Lettura: l'essenziale",
      'Modulo {n}: caso di studio',
      'Episodio podcast {n}',
      'Lezione interattiva {n}',
    ],
  },
  assessment: {
    en: ['Knowledge check {n}', 'Final quiz', 'Certification exam'],
    fr: ['Quiz de validation {n}', 'Quiz final', 'Examen de certification'],
    de: ['Wissenstest {n}', 'Abschlussquiz', 'Zertifizierungsprüfung'],
    es: ['Prueba de conocimientos {n}', 'Cuestionario final', 'Examen de certificación'],
    it: ['Verifica {n}', 'Quiz finale', 'Esame di certificazione'],
  },
  survey: {
    en: ['Satisfaction survey', 'Needs assessment', 'Feedback form'],
    fr: ['Questionnaire de satisfaction', 'Recueil des besoins', 'Formulaire de retour'],
    de: ['Zufriedenheitsumfrage', 'Bedarfsanalyse', 'Feedbackbogen'],
    es: ['Encuesta de satisfacción', 'Análisis de necesidades', 'Formulario de opinión'],
    it: ['Questionario di gradimento', 'Analisi dei bisogni', 'Modulo di feedback'],
  },
  assignment: {
    en: ['Case study submission', 'Action plan', 'Project deliverable {n}'],
    fr: ["Rendu d'étude de cas", "Plan d'action", 'Livrable de projet {n}'],
    de: ['Abgabe Fallstudie', 'Aktionsplan', 'Projektergebnis {n}'],
    es: ['Entrega del caso práctico', 'Plan de acción', 'Entregable del proyecto {n}'],
    it: ['Consegna caso di studio', "Piano d'azione", 'Elaborato di progetto {n}'],
  },
  classroom: {
    en: ['Classroom day {n}', 'Workshop {n}'],
    fr: ['Journée présentielle {n}', 'Atelier {n}'],
    de: ['Präsenztag {n}', 'Workshop {n}'],
    es: ['Jornada presencial {n}', 'Taller {n}'],
    it: ['Giornata in aula {n}', 'Laboratorio {n}'],
  },
  virtual_classroom: {
    en: ['Live webinar {n}', 'Virtual class {n}'],
    fr: ['Webinaire en direct {n}', 'Classe virtuelle {n}'],
    de: ['Live-Webinar {n}', 'Virtuelles Klassenzimmer {n}'],
    es: ['Webinar en directo {n}', 'Aula virtual {n}'],
    it: ['Webinar dal vivo {n}', 'Aula virtuale {n}'],
  },
  nps: {
    en: ['Would you recommend this training?'],
    fr: ['Recommanderiez-vous cette formation ?'],
    de: ['Würden Sie diese Schulung empfehlen?'],
    es: ['¿Recomendaría esta formación?'],
    it: ['Consiglieresti questa formazione?'],
  },
};

export const CHAPTERS: Record<Locale, readonly string[]> = {
  en: [
    'Overview',
    'Key concepts',
    'Regulations',
    'Case studies',
    'Hands-on practice',
    'Common mistakes',
    'Tools & templates',
    'Assessment',
    'Wrap-up',
  ],
  fr: [
    "Vue d'ensemble",
    'Notions clés',
    'Réglementation',
    'Études de cas',
    'Mise en pratique',
    'Erreurs fréquentes',
    'Outils & modèles',
    'Évaluation',
    'Synthèse',
  ],
  de: [
    'Überblick',
    'Grundbegriffe',
    'Vorschriften',
    'Fallstudien',
    'Praxisübungen',
    'Häufige Fehler',
    'Werkzeuge & Vorlagen',
    'Prüfung',
    'Zusammenfassung',
  ],
  es: [
    'Visión general',
    'Conceptos clave',
    'Normativa',
    'Casos prácticos',
    'Práctica',
    'Errores frecuentes',
    'Herramientas y plantillas',
    'Evaluación',
    'Conclusión',
  ],
  it: [
    'Panoramica',
    'Concetti chiave',
    'Normativa',
    'Casi di studio',
    'Esercitazioni',
    'Errori comuni',
    'Strumenti e modelli',
    'Valutazione',
    'Sintesi',
  ],
};

export const DURATIONS = [
  '15 min',
  '30 min',
  '45 min',
  '1h',
  '1h30',
  '2h',
  '2h30',
  '3h30',
  '7h',
  '1 day',
  '2 days',
  '3 days',
  '5 x 1h',
  'PT4H',
];

export const PUBLISHERS = [
  'Internal Academy',
  'Northwind Learning',
  'Contoso Skills',
  'Fabrikam Training',
  'Tailspin Publishing',
  'Litware Education',
  'Adventure Works University',
  'Wide World Learning & Co',
];

/** Departments: the team names of the entity tree and the values of the Department custom field. */
export const DEPARTMENTS = [
  'Sales',
  'Marketing',
  'Finance',
  'Human Resources',
  'IT',
  'Operations',
  'Legal',
  'R&D',
  'Customer Success',
  'Procurement',
  'Logistics',
  'Quality',
];

export const SUB_TEAMS = ['North', 'South', 'East', 'West', 'Key Accounts', 'Support', 'Projects', 'Back office'];

/** Divisions: a region and the locale its people mostly speak. */
export const REGIONS: ReadonlyArray<{ name: string; country: string; locale: Locale }> = [
  { name: 'France', country: 'FR', locale: 'fr' },
  { name: 'Germany', country: 'DE', locale: 'de' },
  { name: 'Spain', country: 'ES', locale: 'es' },
  { name: 'Italy', country: 'IT', locale: 'it' },
  { name: 'United Kingdom', country: 'GB', locale: 'en' },
  { name: 'North America', country: 'US', locale: 'en' },
  { name: 'Benelux', country: 'BE', locale: 'fr' },
  { name: 'Switzerland', country: 'CH', locale: 'de' },
];

export const JOB_TITLES = [
  'Account Manager',
  'Business Analyst',
  'Software Engineer',
  'Consultant',
  'Executive Assistant',
  'Director',
  'HR Specialist',
  'Project Coordinator',
  'Field Technician',
  'Sales Representative',
  'Team Lead',
  'Data Scientist',
  'Accountant',
  'Buyer',
  'Customer Advisor',
  'Quality Engineer',
  'Legal Counsel',
  'Marketing Manager',
  'Warehouse Operator',
  'Trainer',
];

export const SMARTGROUPS = [
  'Managers',
  'New hires',
  'Sales force',
  'Remote workers',
  'High potentials',
  'Compliance — mandatory audience',
  'French speakers',
  'Mentors',
  'Pilot group',
  'Archived group (no members)',
];

export const CUSTOM_FIELDS = ['Department', 'Job title', 'Cost center', 'Hire date', 'Country'] as const;
