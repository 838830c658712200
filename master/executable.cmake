# orrery-master: the executable over the engine (and the REST API once it exists).
find_package(Qt6 REQUIRED COMPONENTS Sql Network WebSockets)

qt_add_executable(orrery-master ${CMAKE_CURRENT_SOURCE_DIR}/main.cpp)
target_link_libraries(orrery-master PRIVATE Orrery::MasterEngine Orrery::Config Orrery::Net
                                            Orrery::Store Orrery::BuildSettings Qt6::Core)
if(TARGET orrery_master_rest)
    target_link_libraries(orrery-master PRIVATE Orrery::MasterRest)
    target_compile_definitions(orrery-master PRIVATE ORRERY_HAVE_REST)
endif()
if(TARGET orrery_master_clients)
    target_link_libraries(orrery-master PRIVATE Orrery::MasterClients)
    target_compile_definitions(orrery-master PRIVATE ORRERY_HAVE_CLIENTS)
endif()
install(TARGETS orrery-master RUNTIME DESTINATION bin)
