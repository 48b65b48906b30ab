/* SPDX-License-Identifier: MIT */
/*
 * The vocabulary shared by the core and its adapters (UI, MQTT, store):
 * station states, fault codes, commands in, events and snapshots out.
 * Plain data, no behaviour beyond the name tables.
 */
#ifndef KIOSK_CORE_PROTOCOL_H
#define KIOSK_CORE_PROTOCOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "drivers/station_outputs.h"

enum station_state {
	STATION_IDLE,
	STATION_SETUP,     /* program chosen, duration/intensity adjustable */
	STATION_SCREENING, /* contraindication questions */
	STATION_READY,     /* screening passed; boots on; Start allowed */
	STATION_RUNNING,
	STATION_PAUSED,
	STATION_VENTING, /* session over; releasing pressure */
	STATION_NEEDS_CLEANING,
	STATION_FAULT, /* vented and locked until a staff reset */
	STATION_OUT_OF_SERVICE,
	STATION_STATE_COUNT
};

enum session_phase {
	PHASE_NONE,
	PHASE_FILL, /* filling phase_zone */
	PHASE_HOLD,
	PHASE_RELEASE, /* exhaust + zones open */
	PHASE_REST,
};

enum fault_code {
	FAULT_NONE,
	FAULT_OVERPRESSURE,
	FAULT_LEAK,           /* target not reached within max fill time */
	FAULT_BLOCKED_HOSE,   /* rise far faster than a zone can fill */
	FAULT_STUCK_INFLATED, /* still pressurised after the vent time */
	FAULT_SENSOR,         /* out of range, frozen, no rise, read error */
	FAULT_PUMP_RUNTIME,   /* pump ran too long without a break */
	FAULT_HARDWARE,       /* a GPIO write failed */
	FAULT_STOP_BUTTON,    /* NC stop circuit open at start (wiring) */
	/* Each names what was detected, not the symptom it might cause: */
	FAULT_SENSOR_STALE,      /* no fresh conversion while the pump runs */
	FAULT_SENSOR_FROZEN,     /* identical readings while the pressure must change */
	FAULT_SENSOR_ZERO,       /* reads away from zero while open to the air */
	FAULT_SENSOR_DISAGREE,   /* control and safety sensor disagree */
	FAULT_SAFETY_SENSOR,     /* the safety sensor fails (read error, stale, range) */
	FAULT_FILL_IMPLAUSIBLE,  /* a fill does not fit what the station learned */
	FAULT_PUMP_RELAY,        /* pressure rises with the pump off: relay welded */
	FAULT_EXHAUST_STUCK,     /* the manifold does not vent with the exhaust open */
	FAULT_ZONE_STUCK_CLOSED, /* a zone does not answer when opened: may be inflated */
	FAULT_MANIFOLD_LEAK,     /* every valve shut, a puff of air does not stay (a valve
	                          * stuck open, or the pump does not run) */
	FAULT_CODE_COUNT
};

enum stop_reason {
	STOP_NONE,
	STOP_COMPLETED, /* ran its full duration */
	STOP_MEMBER,    /* Stop on screen */
	STOP_SYMPTOM,   /* "I feel numbness or tingling" */
	STOP_STAFF,     /* staff at the kiosk or over MQTT */
	STOP_BUTTON,    /* hardware stop button */
	STOP_FAULT,
	STOP_PAUSE_LIMIT, /* paused too long */
	STOP_SHUTDOWN,    /* kiosk exiting */
};

enum command_source { SOURCE_UI, SOURCE_MQTT, SOURCE_BUTTON, SOURCE_INTERNAL };

enum command_action {
	CMD_SELECT_PROGRAM,  /* idle -> setup: program_index, duration_s, target_mmhg (0 = defaults)
	                      */
	CMD_ADJUST,          /* setup: duration_s, target_mmhg within the program's range */
	CMD_BEGIN_SCREENING, /* setup -> screening */
	CMD_ANSWER,          /* screening: question index, yes */
	CMD_SCREENING_BACK,  /* screening: previous question */
	CMD_STAFF_APPROVE,   /* screening needs approval: pin */
	CMD_CANCEL,          /* setup/screening/ready -> idle, answers wiped */
	CMD_TOUCH,           /* member activity: restarts the idle time-out */
	CMD_START,           /* ready -> running (only after screening passed) */
	CMD_PAUSE,
	CMD_RESUME,
	CMD_STOP,         /* any active state -> venting; reason from source */
	CMD_SYMPTOM_STOP, /* stop at once, reason STOP_SYMPTOM */
	CMD_CLEANED,      /* needs_cleaning -> idle */
	CMD_RESET_FAULT,  /* fault -> idle (once pressure is down) */
	CMD_OUT_OF_SERVICE,
	CMD_IN_SERVICE,
	CMD_ACTION_COUNT
};

#define COMMAND_PIN_MAX 16
#define COMMAND_REQUEST_ID_MAX 64
#define COMMAND_NOTE_MAX 48 /* why a station is out of service: "repair" */
#define COMMAND_BY_MAX 32   /* who took it out: "home-assistant", "staff screen" */

struct command {
	enum command_action action;
	enum command_source source;
	unsigned int station; /* index 0..station_count-1 */
	unsigned int program_index;
	unsigned int duration_s;
	double target_mmhg;
	unsigned int question;
	bool yes;
	char pin[COMMAND_PIN_MAX];               /* CMD_STAFF_APPROVE; wiped after use */
	char request_id[COMMAND_REQUEST_ID_MAX]; /* echoed in the result */
	/* CMD_OUT_OF_SERVICE: the reason and who gave it; "" when not given. */
	char note[COMMAND_NOTE_MAX];
	char by[COMMAND_BY_MAX];
	/* CMD_ADJUST with set_zones: the member's own zone choice for this
	 * session, within what the program allows (see station.h). */
	bool set_zones;
	uint8_t skip_mask;       /* bit k = leave zone k (0 = foot) out */
	unsigned int boost_zone; /* 1-based zone to boost, 0 = none */
};

/* Every command gets one result, published on the controller's event stream. */
enum command_status {
	CMD_OK,
	CMD_ERR_BAD_STATION,
	CMD_ERR_BAD_STATE,    /* not allowed in the station's current state */
	CMD_ERR_NOT_SCREENED, /* start without a passed screening */
	CMD_ERR_BAD_ARGUMENT,
	CMD_ERR_BAD_PIN,
	CMD_ERR_PRESSURISED, /* reset refused while still above residual */
	CMD_ERR_QUEUE_FULL,
	/* The station's outputs could not be driven to the safe state (a GPIO
	 * write keeps failing), or a check finds the pump still running:
	 * RESET_FAULT and IN_SERVICE are refused until the hardware is safe. */
	CMD_ERR_HARDWARE,
};

enum event_kind {
	EVENT_SESSION_STARTED,
	EVENT_SESSION_COMPLETED,
	EVENT_SESSION_STOPPED, /* with stop_reason */
	EVENT_FAULT_RAISED,    /* with fault */
	EVENT_FAULT_RESET,
	EVENT_CLEANED,
	EVENT_OUT_OF_SERVICE,
	EVENT_IN_SERVICE,
	EVENT_SCREENING_APPROVED, /* staff approved a relative Yes; never which question */
	EVENT_COMMAND_RESULT,     /* not stored; for the command's source */
	EVENT_KIND_COUNT
};

/* An event never carries a screening answer or question. */
struct kiosk_event {
	uint64_t seq; /* controller-wide, increasing */
	enum event_kind kind;
	unsigned int station;
	uint64_t wall_ms; /* CLOCK_REALTIME at the event, ms since epoch */
	char program_id[32];
	unsigned int duration_s; /* planned */
	unsigned int elapsed_s;  /* session time actually run */
	double target_mmhg;
	enum stop_reason reason;
	enum fault_code fault;
	int fault_zone; /* 0-based zone the fault names, -1 = none */
	/* EVENT_COMMAND_RESULT only: */
	enum command_action action;
	enum command_source source;
	enum command_status status;
	char request_id[COMMAND_REQUEST_ID_MAX];
	/* EVENT_OUT_OF_SERVICE: the command's reason and who gave it. */
	char note[COMMAND_NOTE_MAX];
	char by[COMMAND_BY_MAX];
};

/* Where a zone's pressure in a snapshot comes from. */
enum zone_reading {
	ZONE_READING_NONE,      /* no sensor, or never read: unknown */
	ZONE_READING_MEASURED,  /* the zone alone is open to the sensor now */
	ZONE_READING_ESTIMATED, /* last measured, the zone shut since; or shared with others */
};

struct station_snapshot {
	unsigned int index;
	char name[32];
	enum station_state state;
	enum session_phase phase;
	int program_index; /* -1 = none */
	char program_id[32];
	char program_name[48];
	double target_mmhg; /* foot-zone target chosen for this session */
	unsigned int duration_s;
	unsigned int remaining_s;
	unsigned int elapsed_s;
	bool clock_started; /* first cycle reached pressure */
	size_t zone_count;
	double zone_mmhg[STATION_MAX_ZONES]; /* last pressure seen in each zone */
	enum zone_reading zone_reading[STATION_MAX_ZONES];
	/* Every zone read at or below the residual since it last had air: only
	 * then is a station free for the next member. */
	bool zones_verified;
	double zone_target_mmhg[STATION_MAX_ZONES];
	int active_zone; /* -1 = none */
	double manifold_mmhg;
	bool has_sensor;
	bool has_safety_sensor;
	double safety_mmhg; /* the independent safety sensor, when fitted */
	struct station_outputs outputs;
	enum fault_code fault;
	int fault_zone; /* 0-based zone the fault names, -1 = none */
	char fault_message[160];
	enum stop_reason last_stop;
	unsigned int pause_left_s;
	/* Screening progress, never the answers: */
	unsigned int screening_index; /* question being asked */
	unsigned int screening_count;
	enum screening_view {
		SCREENING_VIEW_ASKING,
		SCREENING_VIEW_BLOCKED, /* absolute Yes or refused acknowledgement */
		SCREENING_VIEW_NEEDS_APPROVAL,
	} screening_view;
	unsigned int idle_left_s; /* setup/screening/ready time-out */
	/* STATION_OUT_OF_SERVICE: why and who, "" when not given. */
	char service_note[COMMAND_NOTE_MAX];
	char service_by[COMMAND_BY_MAX];
	/* The zones of this session: the program's skips and the member's,
	 * and the boosted zone (1-based, 0 = none) with its extra pressure. */
	uint8_t skip_mask;
	unsigned int boost_zone;
	double boost_mmhg;
	/* A fault taken out of service with the station (it comes back with
	 * it and still needs a reset). */
	enum fault_code parked_fault;
};

/* What of a station's state outlives the process (kept by the store,
 * handed back to the controller at creation): a restart never turns a
 * locked, dirty or out-of-service station into a free one. */
struct station_service {
	bool out_of_service;
	char note[COMMAND_NOTE_MAX];
	char by[COMMAND_BY_MAX];
	enum fault_code fault; /* FAULT_NONE, or the fault it is locked for */
	bool needs_cleaning;   /* a member wore the boots since the last cleaning */
};

struct kiosk_snapshot {
	uint64_t seq;    /* increases on every change */
	uint64_t now_ms; /* controller's monotonic clock */
	size_t station_count;
	struct station_snapshot stations[8];
};

const char *station_state_name(enum station_state s);   /* "idle", "needs_cleaning", ... */
const char *fault_code_name(enum fault_code f);         /* "overpressure", "leak", ... */
const char *fault_code_message(enum fault_code f);      /* plain words with what to do */
const char *zone_reading_name(enum zone_reading z);     /* "none", "measured", "estimated" */
const char *stop_reason_name(enum stop_reason r);       /* "member", "staff", "fault", ... */
const char *event_kind_name(enum event_kind k);         /* "session_started", ... */
const char *command_action_name(enum command_action a); /* "stop", "reset_fault", ... */
const char *command_status_name(enum command_status s); /* "ok", "bad_state", ... */
const char *command_status_message(enum command_status s);

#endif
